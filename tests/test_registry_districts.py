"""Two districts in one database, each with its own DTSEN registry: an import compares with its own district's
previous import and replaces, compacts and marks as left only its own district's people; each district's
administrator sees only its own imports."""
from __future__ import annotations

from collections import Counter

from sqlalchemy import func, select

from slrt.extensions import db
from slrt.registry.models import ImportStatus, RegistryChange, RegistryHousehold, RegistryImport, RegistryPerson
from tests.registry_helpers import family, import_file, visible_niks, write_csv
from tests.test_districts import _as, _user, second  # noqa: F401 - the fixture: district B with its admin
from tests.test_registry_import import other_district_family, rejected_lines


def _changes(import_id):
    return sorted(db.session.execute(select(RegistryChange.kind, RegistryChange.nik, RegistryChange.before_value,
                                            RegistryChange.after_value).where(RegistryChange.import_id == import_id)))


def _rows(niks) -> int:
    return db.session.scalar(select(func.count()).select_from(RegistryPerson).where(RegistryPerson.nik.in_(niks)))


def test_two_districts_importing_in_turn_leave_each_other_alone(app, places, second, tmp_path):  # noqa: F811
    a1, a2, a3 = family(places, 1), family(places, 2, decile="4"), family(places, 3)
    a_niks = a1[1] + a2[1] + a3[1]
    one, _ = import_file(write_csv(tmp_path / "a1.csv", a1[0] + a2[0] + a3[0]))
    # A's second extract: family 3 left, family 2 became poorer.
    a2_poorer = family(places, 2, decile="2")
    two, _ = import_file(write_csv(tmp_path / "a2.csv", a1[0] + a2_poorer[0]))
    a_report = _changes(two)
    assert Counter(kind for kind, *_r in a_report) == {"left": 3, "decile_down": 3}
    a_people = _rows(a_niks)

    b1, b2 = other_district_family(places, 1), other_district_family(places, 2)
    b_niks = [row[0] for row in b1 + b2]
    # A's child of family 1 moved to a B village: B's extract lists them too (A's still does, as extracts lag).
    mover = list(a1[0][2])
    mover[1], mover[10] = b1[0][1], b1[0][10]
    b_first, progress = import_file(write_csv(tmp_path / "b1.csv", b1 + b2 + [mover]), user=_user("adminb"))
    row = db.session.get(RegistryImport, b_first)
    assert (row.district_code, row.compared_with_id, progress.accepted) == (places.other_district, None, 7)
    assert _changes(b_first) == []  # B's first extract: A's people did not "leave" with it
    # A's registry is untouched: every person, every version row (the mover's A row too: B's import does not
    # compact it away), and A's change report.
    assert set(a_niks) - set(a1[1] + a2[1]) <= visible_niks() and set(a_niks) <= visible_niks()
    assert _rows(a_niks) == a_people + 1 and _changes(two) == a_report  # + the mover's B row
    assert db.session.get(RegistryImport, two).compared_with_id == one

    # B's second extract drops one family: B's report says so, and names none of A's people.
    b_second, _ = import_file(write_csv(tmp_path / "b2.csv", b1), user=_user("adminb"))
    assert db.session.get(RegistryImport, b_second).compared_with_id == b_first
    assert _changes(b_second) == sorted(("left", row[0], row[11], None) for row in b2 + [mover])
    assert _rows(a_niks) == a_people + 1 and _changes(two) == a_report  # + the mover's B row

    # A imports again: compared with A's previous import (not B's newer ones), nothing changed.
    three, _ = import_file(write_csv(tmp_path / "a3.csv", a1[0] + a2_poorer[0]))
    assert db.session.get(RegistryImport, three).compared_with_id == two
    assert _changes(three) == []
    # B's people all stay, the leavers with their last row; each of A's people has one version left.
    assert set(b_niks) <= visible_niks() and _rows(b_niks) == 6
    assert _rows(a1[1]) == 4 and _rows(a2[1]) == 3  # the mover's A row and their last B row
    assert db.session.scalar(select(func.count()).select_from(RegistryHousehold).where(
        RegistryHousehold.kk_number == b2[0][1])) == 1


def test_a_row_of_another_districts_village_is_refused_by_name(app, places, second, tmp_path):  # noqa: F811
    a = family(places, 1)
    import_file(write_csv(tmp_path / "a.csv", a[0]))
    b = other_district_family(places, 1)
    stray = family(places, 4, names=("ENDANG SUHERMAN", "AAS ASIH", "RIKI SUHERMAN"))[0][:1]  # an A village code
    b_id, progress = import_file(write_csv(tmp_path / "b.csv", b + stray), user=_user("adminb"))
    assert (progress.accepted, progress.rejected) == (3, 1)
    [reason] = rejected_lines(b_id).values()
    assert "berada di Kabupaten Bandung, bukan di Kota Bandung" in reason and "tidak diimpor" in reason
    assert db.session.get(RegistryImport, b_id).status == ImportStatus.DONE
    assert set(a[1]) <= visible_niks() and _rows([stray[0][0]]) == 0


def test_a_district_opens_only_its_own_imports(app, client, places, second, tmp_path, make_user):  # noqa: F811
    ours, _ = import_file(write_csv(tmp_path / "a.csv", family(places, 1)[0] + family(places, 2)[0]))
    ours_next, _ = import_file(write_csv(tmp_path / "a2.csv", family(places, 1)[0]))
    theirs, _ = import_file(write_csv(tmp_path / "b.csv", other_district_family(places)), user=_user("adminb"))
    theirs_next, _ = import_file(write_csv(tmp_path / "b2.csv", other_district_family(places, 2)),
                                 user=_user("adminb"))

    def pages(import_id):
        return [f"/registri/impor/{import_id}", f"/registri/impor/{import_id}/progres",
                f"/registri/impor/{import_id}/ditolak.csv", f"/registri/perubahan/{import_id}",
                f"/registri/perubahan/{import_id}/unduh.xlsx"]

    admin_a = make_user("admin")
    for user, own, other in ((_user("adminb"), theirs_next, ours_next), (admin_a, ours_next, theirs_next)):
        _as(client, user)
        for url in pages(own):
            assert client.get(url).status_code == 200, url
        for url in pages(other):
            assert client.get(url).status_code == 404, url
        assert client.post(f"/registri/impor/{other}/batalkan", data={}).status_code == 404
        listing = client.get("/registri/impor").get_data(as_text=True)
        assert f"/registri/impor/{own}" in listing and f"/registri/impor/{other}\"" not in listing
    # B's change report: B's family 1 left; A's report: A's family 2 left; neither names the other's people.
    _as(client, _user("adminb"))
    report = client.get(f"/registri/perubahan/{theirs_next}").get_data(as_text=True)
    assert "ASEP SURYANA" in report  # B's leaver (the family's names are the same helper's)
    assert db.session.get(RegistryImport, theirs_next).compared_with_id == theirs
    assert db.session.get(RegistryImport, ours_next).compared_with_id == ours


def test_one_import_at_a_time_per_district_not_per_database(app, places, second):  # noqa: F811
    """A running import of A does not keep B from importing (B cannot even open it); a second one of B waits."""
    import pytest

    from slrt.registry.importer import ImportBusy, start_import
    running_a = start_import("a.csv", None)
    db.session.commit()
    running_b = start_import("b.csv", _user("adminb"))
    db.session.commit()
    assert (running_a.district_code, running_b.district_code) == (places.district, places.other_district)
    with pytest.raises(ImportBusy):
        start_import("b-again.csv", _user("adminb"))
    db.session.rollback()
    with pytest.raises(ImportBusy):
        start_import("a-again.csv", None)
    db.session.rollback()
