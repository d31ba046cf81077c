"""Programmes a household may be missing, from its registry profile. Each rule says why.

Read top to bottom: every rule is one small function taking the household profile and returning the
suggestions it makes. The counter shows them as hints for the clerk, never as decisions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext
from flask_babel import lazy_gettext as _l

from slrt.core.time import local_today

POOR_DECILES = range(1, 5)     # aid mostly goes to deciles 1-4
SCHOOL_AGE = range(7, 19)      # 7 to 18 years old: primary to upper secondary school
ELDERLY_FROM = 60


@dataclass
class Member:
    name: str
    age: int | None
    relation: int = 8
    has_nik: bool = True
    dukcapil_matched: bool = True
    disability: bool = False
    programmes: set[str] = field(default_factory=set)  # pkh, bpnt, pbi, pip, atensi ...


@dataclass
class Profile:
    in_registry: bool
    decile: int | None
    members: list[Member]

    @property
    def poor(self) -> bool:
        return self.decile in POOR_DECILES

    def receives(self, programme: str) -> bool:
        return any(programme in m.programmes for m in self.members)


@dataclass
class Suggestion:
    code: str       # what to propose: PIP, PBI-JKN, DUKCAPIL, PKH, ATENSI, USULAN
    title: object
    reason: object  # why, in words the clerk can repeat to the citizen


def age_on(born: date | None, today: date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _names(members) -> str:
    return ", ".join(m.name for m in members)


def school_children_without_pip(profile: Profile) -> list[Suggestion]:
    children = [m for m in profile.members if m.age in SCHOOL_AGE and "pip" not in m.programmes]
    if not children or not profile.in_registry:
        return []
    return [Suggestion("PIP", _l("Program Indonesia Pintar (PIP/KIP)"),
                       gettext("Anak usia sekolah (7-18 tahun) belum menerima PIP: %(names)s.",
                               names=_names(children)))]


def poor_without_pbi(profile: Profile) -> list[Suggestion]:
    uncovered = [m for m in profile.members if "pbi" not in m.programmes]
    if not profile.poor or not uncovered:
        return []
    return [Suggestion("PBI-JKN", _l("PBI-JKN (KIS)"),
                       gettext("Keluarga desil %(decile)d belum dijamin PBI-JKN: %(names)s.",
                               decile=profile.decile, names=_names(uncovered)))]


def missing_civil_documents(profile: Profile) -> list[Suggestion]:
    missing = [m for m in profile.members if not m.has_nik or not m.dukcapil_matched]
    if not missing:
        return []
    return [Suggestion("DUKCAPIL", _l("Dukcapil: NIK, KK, akta"),
                       gettext("Anggota tanpa NIK atau belum padan dengan data Dukcapil: %(names)s. Bantuan lain "
                               "sering tertahan karena ini.", names=_names(missing)))]


def poor_with_elderly_or_disabled(profile: Profile) -> list[Suggestion]:
    if not profile.poor:
        return []
    elderly = [m for m in profile.members if m.age is not None and m.age >= ELDERLY_FROM]
    disabled = [m for m in profile.members if m.disability]
    suggestions = []
    if (elderly or disabled) and not profile.receives("pkh"):
        who = _names(elderly + [m for m in disabled if m not in elderly])
        suggestions.append(Suggestion("PKH", _l("PKH komponen lansia/disabilitas berat"),
                                      gettext("Keluarga desil %(decile)d dengan lansia atau penyandang disabilitas "
                                              "(%(names)s) belum menerima PKH.", decile=profile.decile, names=who)))
    for member in elderly:
        if "atensi" not in member.programmes:
            suggestions.append(Suggestion("ATENSI", _l("ATENSI lansia"),
                                          gettext("%(name)s berusia %(age)d tahun di keluarga desil %(decile)d.",
                                                  name=member.name, age=member.age, decile=profile.decile)))
    for member in disabled:
        if "atensi" not in member.programmes:
            suggestions.append(Suggestion("ATENSI", _l("ATENSI penyandang disabilitas"),
                                          gettext("%(name)s penyandang disabilitas di keluarga desil %(decile)d.",
                                                  name=member.name, decile=profile.decile)))
    return suggestions


def not_in_registry(profile: Profile) -> list[Suggestion]:
    if profile.in_registry:
        return []
    return [Suggestion("USULAN", _l("Usulan masuk DTSEN"),
                       _l("Keluarga ini belum terdaftar di DTSEN, sehingga belum bisa menerima bansos. "
                          "Usulkan lewat verifikasi kunjungan rumah dan musyawarah desa."))]


RULES = (not_in_registry, missing_civil_documents, poor_without_pbi, school_children_without_pip,
         poor_with_elderly_or_disabled)


def suggest(profile: Profile) -> list[Suggestion]:
    return [s for rule in RULES for s in rule(profile)]


def profile_from_household(household, today: date | None = None) -> Profile:
    """The profile of a registry household (lookup.Household)."""
    today = today or local_today()
    members = [Member(name=m.name, age=age_on(m.birth_date, today), relation=m.relation, has_nik=bool(m.nik),
                      dukcapil_matched=m.dukcapil_matched, disability=m.disability,
                      programmes=set(m.programmes())) for m in household.members]
    return Profile(in_registry=True, decile=household.decile, members=members)


def profile_not_registered(members=(), today: date | None = None) -> Profile:
    """A household the registry does not know (members as the counter recorded them, if any)."""
    today = today or local_today()
    return Profile(in_registry=False, decile=None,
                   members=[Member(name=m.name, age=age_on(m.birth_date, today), relation=m.relation,
                                   has_nik=bool(m.nik)) for m in members])
