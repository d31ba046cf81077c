"""Each suggestion rule: when it fires, when it does not, and that it says why."""
from __future__ import annotations

from datetime import date

import pytest

from slrt.registry import suggestions as s
from slrt.registry.suggestions import Member, Profile


def codes(profile):
    return [x.code for x in s.suggest(profile)]


def family(decile=3, *members):
    return Profile(in_registry=True, decile=decile, members=list(members))


HEAD = Member("Asep", 45, 1, programmes={"pbi"})


@pytest.mark.parametrize("age, has_pip, expected", [(7, False, True), (18, False, True), (6, False, False),
                                                    (19, False, False), (12, True, False)])
def test_school_age_children_without_pip(app, age, has_pip, expected):
    child = Member("Dedi", age, 3, programmes={"pbi"} | ({"pip"} if has_pip else set()))
    found = s.school_children_without_pip(family(3, HEAD, child))
    assert bool(found) is expected
    if expected:
        assert found[0].code == "PIP" and "Dedi" in str(found[0].reason)


@pytest.mark.parametrize("decile, expected", [(1, True), (4, True), (5, False), (None, False)])
def test_poor_deciles_without_pbi(app, decile, expected):
    uncovered = Member("Euis", 40, 2)
    found = s.poor_without_pbi(family(decile, HEAD, uncovered))
    assert bool(found) is expected
    if expected:
        assert "Euis" in str(found[0].reason) and "Asep" not in str(found[0].reason)


def test_everyone_covered_by_pbi_gets_no_pbi_suggestion(app):
    assert s.poor_without_pbi(family(2, HEAD)) == []


@pytest.mark.parametrize("member, expected", [(Member("Bayi", 0, 3, has_nik=False), True),
                                              (Member("Ujang", 30, 3, dukcapil_matched=False), True),
                                              (Member("Ujang", 30, 3), False)])
def test_missing_civil_documents_go_to_dukcapil(app, member, expected):
    found = s.missing_civil_documents(family(7, HEAD, member))
    assert bool(found) is expected
    if expected:
        assert found[0].code == "DUKCAPIL" and member.name in str(found[0].reason)


def test_poor_household_with_elderly_and_disabled_members(app):
    grandma = Member("Enok", 72, 6, programmes={"pbi"})
    son = Member("Cecep", 20, 3, disability=True, programmes={"pbi"})
    found = s.poor_with_elderly_or_disabled(family(2, HEAD, grandma, son))
    assert [x.code for x in found] == ["PKH", "ATENSI", "ATENSI"]
    assert "72" in str(found[1].reason) and "disabilitas" in str(found[2].title)


def test_elderly_in_a_richer_household_or_already_helped_gets_nothing(app):
    grandma = Member("Enok", 72, 6, programmes={"pbi", "atensi"})
    assert s.poor_with_elderly_or_disabled(family(6, HEAD, grandma)) == []
    helped = Member("Asep", 45, 1, programmes={"pbi", "pkh"})
    assert s.poor_with_elderly_or_disabled(family(2, helped, grandma)) == []


def test_not_in_registry_suggests_a_proposal_and_nothing_else(app):
    profile = s.profile_not_registered()
    assert codes(profile) == ["USULAN"]
    assert "musyawarah desa" in str(s.suggest(profile)[0].reason)


def test_profile_from_a_registry_household(app):
    from types import SimpleNamespace
    member = SimpleNamespace(name="Dedi", birth_date=date(2012, 5, 17), relation=3, nik="3204", dukcapil_matched=True,
                             disability=False, programmes=lambda: ["pbi"])
    profile = s.profile_from_household(SimpleNamespace(decile=3, members=[member]), today=date(2025, 6, 1))
    assert profile.members[0].age == 13 and codes(profile) == ["PIP"]
