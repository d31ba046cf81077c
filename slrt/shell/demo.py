"""The demo district: six months of an SLRT office's work, made through the real operations.

`seed_district` writes a synthetic DTSEN extract of the district (slrt.registry.synth) and imports it, then
plays about 300 visits forward in time: each case is a story (registered at the district counter, a village
Puskesos or on a home visit; taken, assessed, answered or referred; signed off, returned or rejected; answered
by the agency, sometimes late or waiting for documents; resolved, closed, sometimes objected to). The stories
run interleaved in the order of their moments, each step under `clock_at` its moment, so letter numbers,
deadlines, events and the audit trail are those the operations write on that day. A step whose moment is still
to come is not played: the district stands as it would today, with work in every state.

Deterministic for a seed (names, people, dates and states); ticket numbers and letter verification codes come
from the secure generator, as in production.
"""
from __future__ import annotations

import csv
import heapq
import itertools
import random
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from sqlalchemy import select

from slrt.core.time import clock_at, local_today, local_zone, utcnow
from slrt.extensions import db
from slrt.registry.synth import FAMILY, MEN, STREETS, WOMEN, Synth

DAYS = 182                # six months of work
CASES = 300
REGISTRY_PEOPLE = 2400    # the extract: about 600 households over the demo villages
KECAMATAN = 4             # kecamatan of the district with work, and villages of each
VILLAGES = 4

# What citizens come with, per complaint category: what they say, what the office refers them to
# (agency code, programme code), and the outcome the agency reports.
STORIES: dict[str, dict] = {
    "KESEHATAN": {
        "say": ["Kartu KIS tidak aktif saat berobat di puskesmas.", "BPJS PBI dinonaktifkan, anak harus kontrol rutin.",
                "Ibu dirawat di RSUD, kartu BPJS ternyata tidak aktif.", "Butuh biaya cuci darah, tidak punya jaminan."],
        "refer": [("BPJSKES", "PBI-JKN"), ("BPJSKES", "PBI-JKN"), ("DINKES", "JAMKESDA"), ("DINKES", "JAMKESDA"),
                  ("DINKES", "JAMKESDA"), ("RSUD", "RSUD-BIAYA")],
        "outcome": ["PBI-JKN aktif kembali mulai bulan depan.", "Biaya berobat ditanggung Jamkesda.",
                    "Keringanan biaya rawat inap 75%."],
    },
    "BANSOS-TIDAK-DITERIMA": {
        "say": ["PKH tidak cair sejak tiga bulan terakhir.", "BPNT berhenti sejak Agustus, kartu KKS tidak bisa dipakai.",
                "Nama tercoret dari penerima Sembako tanpa pemberitahuan."],
        "refer": [("DINSOS", "PKH"), ("DINSOS", "BPNT")],
        "outcome": ["Diusulkan kembali pada pemutakhiran bulan ini.", "Bantuan cair kembali tahap berikutnya."],
    },
    "DATA-DTSEN": {
        "say": ["Nama tidak ada di DTSEN padahal tahun lalu masih terdaftar.",
                "Desil keluarga naik jadi 6, padahal suami sudah tidak bekerja.", "Anggota keluarga yang meninggal masih tercatat."],
        "refer": [("DINSOS", "DTSEN")],
        "outcome": ["Sanggah dimasukkan ke SIKS-NG.", "Usulan perbaikan data sudah dikirim."],
    },
    "PENDIDIKAN": {
        "say": ["Anak kelas 4 SD belum menerima PIP.", "Anak SMP butuh KIP, orang tua tidak bekerja."],
        "refer": [("DISDIK", "PIP")],
        "outcome": ["Diusulkan sebagai penerima PIP tahap 2.", "KIP diterbitkan melalui sekolah."],
    },
    "ADMINDUK": {
        "say": ["Anak belum punya akta kelahiran.", "KTP hilang, perlu untuk mengurus bantuan.", "KK belum diperbarui setelah pindah."],
        "refer": [("DUKCAPIL", "AKTA"), ("DUKCAPIL", "KTP"), ("DUKCAPIL", "KK")],
        "outcome": ["Dokumen sudah terbit dan diambil warga.", "Perekaman KTP-el dijadwalkan."],
    },
    "PERUMAHAN": {
        "say": ["Atap rumah bocor dan dinding bambu lapuk.", "Rumah rusak setelah angin kencang, tidak ada biaya perbaikan."],
        "refer": [("DISPERKIM", "RTLH")],
        "outcome": ["Masuk daftar RTLH tahun anggaran berikutnya."],
    },
    "DISABILITAS": {
        "say": ["Anak penyandang disabilitas butuh kursi roda.", "Suami lumpuh setelah stroke, perlu bantuan alat bantu."],
        "refer": [("DINSOS", "DISABILITAS"), ("BAZNAS", "ZAKAT")],
        "outcome": ["Kursi roda diserahkan.", "Bantuan zakat produktif disalurkan."],
    },
    "LANSIA": {
        "say": ["Nenek tinggal sendiri tanpa penghasilan.", "Orang tua lansia sakit-sakitan, tidak ada yang merawat."],
        "refer": [("DINSOS", "LANSIA")],
        "outcome": ["Terdaftar sebagai penerima bantuan lansia."],
    },
    "KEMATIAN": {
        "say": ["Suami meninggal bulan lalu, mohon santunan kematian."],
        "refer": [("DINSOS", "SANTUNAN-KEMATIAN")],
        "outcome": ["Santunan kematian sudah diterima ahli waris."],
    },
}
# How often each comes up: health cover and aid that stopped most of all, as the districts report.
WEIGHTS = {"KESEHATAN": 30, "BANSOS-TIDAK-DITERIMA": 20, "DATA-DTSEN": 12, "PENDIDIKAN": 8, "ADMINDUK": 8,
           "PERUMAHAN": 7, "DISABILITAS": 6, "LANSIA": 5, "KEMATIAN": 4}
QUESTIONS = [("Menanyakan syarat pendaftaran PKH.", "Syaratnya KTP, KK dan terdaftar di DTSEN; petugas desa membantu usulan."),
             ("Bagaimana cara mengecek status KIS?", "Cek di aplikasi Mobile JKN atau tanyakan ke puskesmas dengan NIK."),
             ("Kapan BPNT tahap berikutnya cair?", "Jadwal penyaluran diumumkan bank penyalur; kami kabari lewat desa.")]
SUGGESTIONS = [("Mohon antrean di loket dibuat dengan nomor.", "Terima kasih, nomor antrean mulai dipakai bulan ini."),
               ("Sebaiknya ada petugas keliling ke desa terpencil.", "Usulan diteruskan ke Kepala Dinas.")]
NEEDS_DOCUMENTS = ["Surat keterangan tidak mampu dari desa.", "Fotokopi KK terbaru.", "Surat rujukan dari puskesmas."]
DECLINES = ["Warga sudah terdaftar di program serupa.", "Tidak memenuhi kriteria program tahun ini."]
RETURN_NOTES = ["Lengkapi SKTM dari desa.", "Program kurang tepat, periksa lagi kebutuhan warga.",
                "Alasan rujukan terlalu singkat."]
FINDINGS = ["Rumah semi permanen, lantai tanah, 5 orang dalam satu rumah. Kepala keluarga buruh harian.",
            "Warga tinggal bersama dua anak, suami merantau tanpa kabar. Penghasilan tidak tetap.",
            "Kondisi sesuai keterangan warga; dokumen KTP dan KK lengkap.",
            "Lansia tinggal sendiri, dibantu tetangga untuk makan sehari-hari."]
VISIT_NOTES = ["Periksa kondisi rumah dan dokumen KK.", "Pastikan jumlah anggota rumah tangga dan penghasilan.",
               "Foto rumah tampak depan dan dapur."]
RECOMMENDATIONS = ["Layak dirujuk sesuai permohonan.", "Perlu diusulkan masuk DTSEN.",
                   "Rujuk setelah SKTM dari desa dilengkapi."]


@dataclass
class Cast:
    """The demo accounts that act in the stories, and the district's lists by code."""
    counter: object
    puskesos: object
    officer: object
    signer: object
    liaison: object
    facilitator: object
    categories: dict = field(default_factory=dict)
    agencies: dict = field(default_factory=dict)
    programmes: dict = field(default_factory=dict)


def _work_moment(day: date, rng: random.Random) -> datetime:
    """A moment in office hours (08:00-15:30 local) of `day`, moved off the weekend, as naive UTC."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    local = datetime.combine(day, time(8, 0), tzinfo=local_zone()) + timedelta(minutes=rng.randint(0, 450))
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _later(moment: datetime, rng: random.Random, low: float, high: float) -> datetime:
    """A working moment `low`..`high` days after `moment`."""
    base = moment + timedelta(days=rng.uniform(low, high))
    return _work_moment(base.date(), rng) if base.date() != moment.date() else base + timedelta(minutes=20)


def write_registry(villages: list[str], seed: int, folder: Path) -> Path:
    """The synthetic DTSEN extract of the demo villages (slrt.registry.synth), as the district receives it."""
    from slrt.registry.synth import write_extract
    path = folder / "dtsen-demo.csv"
    write_extract(path, villages, REGISTRY_PEOPLE, seed)
    return path


def import_registry(path: Path, extract_date: date, user) -> int:
    from slrt.registry.importer import run_import, start_import
    row = start_import(str(path), user, extract_date, {})
    db.session.commit()
    import_id = row.id
    run_import(import_id, path, pipelined=False)
    db.session.commit()
    return import_id


def registry_people(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _code(flat: str) -> str:
    return f"{flat[0:2]}.{flat[2:4]}.{flat[4:6]}.{flat[6:10]}"


def _visit_from_registry(row: dict, household: list[dict], rng: random.Random):
    """What a clerk types for a citizen found in the extract (the NIK check fills it in)."""
    from slrt.intake.operations import MemberData
    members = [MemberData(name=m["NAMA"].title(), relation=int(m["HUB_KRT"]), nik=m["NIK"],
                          birth_date=date.fromisoformat(m["TGL_LAHIR"]), sex="P" if m["JNS_KEL"] == "2" else "L")
               for m in household if m["NIK"] != row["NIK"]][:6]
    return dict(nik=row["NIK"], name=row["NAMA"].title(), birth_place=row["TMPT_LAHIR"].title(),
                birth_date=date.fromisoformat(row["TGL_LAHIR"]), sex="P" if row["JNS_KEL"] == "2" else "L",
                kk_number=row["NOKK"], address=row["ALAMAT"].title(), rt=row["RT"], rw=row["RW"],
                region_code=_code(row["KODE_WILAYAH"]), members=members if rng.random() < 0.6 else None)


def _phone(rng: random.Random) -> str:
    return "" if rng.random() < 0.2 else f"08{rng.choice((12, 13, 21, 22, 52, 53, 57, 77, 78, 95))}{rng.randint(10**7, 10**8 - 1)}"


class Stories:
    """Every case's story as a generator of the moments it acts at; `play` runs them in time order."""

    def __init__(self, cast: Cast, rng: random.Random, now: datetime, people: list[dict], fresh, villages):
        self.cast, self.rng, self.now = cast, rng, now
        self.people = people
        self.households: dict[str, list[dict]] = {}
        for row in people:
            self.households.setdefault(row["NOKK"], []).append(row)
        self.fresh = fresh            # makes people who are not in the extract (slrt.registry.synth.Synth)
        self.villages = villages      # {kecamatan code: [village codes]}
        self.counts: dict[str, int] = {}

    # ---- who comes, where ------------------------------------------------------------------------------
    def _citizen(self, region_choices: list[str]) -> dict:
        rng = self.rng
        if rng.random() < 0.7:
            candidates = [p for p in rng.sample(self.people, 40) if _code(p["KODE_WILAYAH"]) in region_choices]
            if candidates:
                row = candidates[0]
                return _visit_from_registry(row, self.households[row["NOKK"]], rng)
        village = rng.choice(region_choices)
        woman = rng.random() < 0.6
        born = self.fresh.born(20, 75)
        name = f"{rng.choice(WOMEN if woman else MEN)} {rng.choice(FAMILY)}"
        issued = born + timedelta(days=rng.randint(20 * 365, 25 * 365))
        return dict(nik=self.fresh.nik(village, born, woman), name=name, birth_place="Bandung", birth_date=born,
                    sex="P" if woman else "L", kk_number=self.fresh.kk(village, min(issued, date(2024, 1, 1))),
                    address=f"{rng.choice(STREETS)} No. {rng.randint(1, 90)}", rt=f"{rng.randint(1, 12):03d}",
                    rw=f"{rng.randint(1, 8):03d}", region_code=village, members=None)

    def _desk(self):
        """Where the visit is registered: the district counter, the village Puskesos or a home visit."""
        cast, rng = self.cast, self.rng
        draw = rng.random()
        every = [v for vs in self.villages.values() for v in vs]
        if draw < 0.62:
            return cast.counter, "counter", every
        if draw < 0.85:
            desk = cast.puskesos.region_code
            neighbours = [v for v in self.villages.get(desk[:8], []) if v != desk]
            # Now and then a citizen of a neighbouring village comes to this desk (the visit is shared).
            return cast.puskesos, "puskesos", [desk] * 6 + neighbours[:1]
        return cast.facilitator, "home_visit", self.villages.get(cast.facilitator.region_code, every)

    # ---- one case --------------------------------------------------------------------------------------
    def story(self, start: datetime) -> Iterator[datetime]:
        from slrt.handling import operations as handling
        from slrt.intake.operations import VisitData, register_visit
        from slrt.visits import operations as visits
        cast, rng = self.cast, self.rng
        clerk, channel, regions = self._desk()
        person = self._citizen(regions)
        kind = rng.choices(["service_request", "grievance", "question", "suggestion"], weights=(55, 27, 13, 5))[0]
        if kind in ("question", "suggestion"):
            said, reply = rng.choice(QUESTIONS if kind == "question" else SUGGESTIONS)
            complaints = [(cast.categories["LAINNYA"], said)]
            plans = []
        else:
            codes = list(dict.fromkeys(rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()),
                                                   k=2 if rng.random() < 0.15 else 1)))
            complaints = [(cast.categories[c], rng.choice(STORIES[c]["say"])) for c in codes]
            plans = [rng.choice(STORIES[c]["refer"]) for c in codes]
        needs = [cast.programmes[p].id for _a, p in plans]
        documents = ["KTP", "KK"] + (["SKTM"] if rng.random() < 0.5 else []) + (
            ["FOTO-RUMAH"] if rng.random() < 0.2 else [])
        yield start
        case = register_visit(VisitData(channel=channel, visit_type=kind, complaints=complaints, needs=needs,
                                        documents=documents, phone=_phone(rng), new_case_reason=None,
                                        **person), clerk)
        self._count("cases")
        if rng.random() < 0.06:
            return  # still waiting in the queue: the office has not got to it
        yield _later(start, rng, 0, 2.5)
        handling.take(case, cast.officer)
        if plans and rng.random() < 0.75:
            yield _later(self._clock(), rng, 0, 3)
            visited = rng.random() < 0.4
            if visited and visits.of_area(cast.facilitator, case.region_code):
                # The back office sends the facilitator, whose findings come back from the field: recent
                # visits still wait on the facilitator's list (some past their due date), older ones are done.
                visit = visits.assign(case, cast.facilitator, self._today() + timedelta(days=rng.randint(3, 7)),
                                      rng.choice(VISIT_NOTES), cast.officer, self._today())
                self._count("home visits")
                yield _later(self._clock(), rng, 1, 9)
                visits.record_findings(visit, visits.Findings(
                    visited_on=self._today(), findings=rng.choice(FINDINGS),
                    recommendation=rng.choice(RECOMMENDATIONS)), cast.facilitator, self._today())
            else:
                handling.record_assessment(case, cast.officer, rng.choice(FINDINGS),
                                           visit_date=self._today() if visited else None,
                                           facilitator=cast.facilitator if visited else None)
        if not plans:
            yield _later(self._clock(), rng, 0, 2)
            for complaint in case.complaints:
                handling.answer_complaint(complaint, cast.officer, reply)
        referrals = []
        for complaint, (agency, programme) in zip(case.complaints, plans):
            yield _later(self._clock(), rng, 0, 1)
            referrals.append(self._draft(case, complaint, agency, programme))
        for referral in referrals:
            yield from self._referral(referral)
        yield from self._closure(case)

    def _draft(self, case, complaint, agency, programme):
        from slrt.referrals import operations as referrals
        cast = self.cast
        referral = referrals.draft(case, cast.officer, agency=cast.agencies[agency],
                                   programme=cast.programmes[programme], complaint=complaint,
                                   reason=f"{complaint.description} Warga tidak mampu membiayai sendiri.",
                                   documents=[d for d in case.document_codes if d != "FOTO-RUMAH"])
        self._count("referrals")
        return referral

    def _referral(self, referral) -> Iterator[datetime]:
        from slrt.referrals import operations as referrals
        from slrt.referrals.models import ReferralStatus as S
        cast, rng = self.cast, self.rng
        if rng.random() < 0.04:
            return  # a draft the officer has not submitted yet
        yield _later(self._clock(), rng, 0, 1)
        referrals.submit(referral, cast.officer)
        yield _later(self._clock(), rng, 0.2, 5)  # past 3 working days now and then: a late sign-off
        draw = rng.random()
        if draw < 0.11:
            referrals.decide(referral, cast.signer, S.RETURNED, rng.choice(RETURN_NOTES), self._today())
            if rng.random() < 0.25:
                return  # returned, still on the officer's desk
            yield _later(self._clock(), rng, 0.5, 3)
            referrals.submit(referral, cast.officer)
            yield _later(self._clock(), rng, 0.2, 2)
        elif draw < 0.16:
            referrals.decide(referral, cast.signer, S.REJECTED, "Bukan kewenangan program ini; jawab langsung.",
                             self._today())
            return
        referrals.decide(referral, cast.signer, S.APPROVED, "", self._today())
        self._count("letters")
        liaison = cast.liaison if referral.agency_id == cast.liaison.agency_id else None
        responder = liaison or cast.officer
        if rng.random() < 0.08:
            return  # an agency that never answered: late on the overview and the dashboard
        yield _later(self._clock(), rng, 1, 12)  # agencies that answer in time, late, or not yet
        draw = rng.random()
        on_behalf = liaison is None
        if draw < 0.45:
            if draw < 0.18:
                referrals.respond(referral, responder, S.NEEDS_DOCUMENTS, rng.choice(NEEDS_DOCUMENTS),
                                  on_behalf=on_behalf, today=self._today())
                if rng.random() < 0.25:
                    return  # the citizen has not brought the documents yet
                yield _later(self._clock(), rng, 2, 10)
            referrals.respond(referral, responder, S.ACCEPTED, "", on_behalf=on_behalf, today=self._today())
            yield _later(self._clock(), rng, 1, 10)
        outcome = S.DECLINED if rng.random() < 0.12 else S.COMPLETED
        note = rng.choice(DECLINES) if outcome == S.DECLINED else rng.choice(self._outcomes(referral))
        referrals.respond(referral, responder, outcome, note, on_behalf=on_behalf, today=self._today())
        self._count("answered")

    def _outcomes(self, referral) -> list[str]:
        for story in STORIES.values():
            if any(referral.programme.code == p for _a, p in story["refer"]):
                return story["outcome"]
        return ["Layanan sudah diberikan."]

    def _closure(self, case) -> Iterator[datetime]:
        from slrt.handling import operations as handling
        from slrt.cases.models import CaseStatus
        rng = self.rng
        if case.status != CaseStatus.RESOLVED:
            return
        if rng.random() < 0.4:
            yield _later(self._clock(), rng, 0.5, 4)
            handling.close(case, self.cast.officer, "Warga sudah menerima layanan dan dihubungi.")
        else:
            yield _later(self._clock(), rng, 15, 17)  # nobody objected: the nightly job closes it
            if not handling.auto_close(case, self._today()):
                return
        self._count("closed")
        if rng.random() < 0.07:
            yield _later(self._clock(), rng, 1, 6)
            handling.reopen_on_objection(case, self.cast.officer, "Warga menyatakan bantuan belum diterima.",
                                      self._today())
            self._count("objections")

    # ---- helpers -----------------------------------------------------------------------------------------
    @staticmethod
    def _clock() -> datetime:
        return utcnow()

    @staticmethod
    def _today() -> date:
        return local_today()

    def _count(self, what: str) -> None:
        self.counts[what] = self.counts.get(what, 0) + 1

    def play(self, starts: list[datetime]) -> None:
        """Run every story in the order of its moments, each step at its moment; stop each at today."""
        order = itertools.count()
        queue: list = []
        for start in starts:
            story = self.story(start)
            heapq.heappush(queue, (next(story), next(order), story))
        steps = 0
        while queue:
            moment, _n, story = heapq.heappop(queue)
            if moment > self.now:
                continue  # not yet happened
            with clock_at(moment):
                try:
                    following = next(story)
                except StopIteration:
                    following = None
            steps += 1
            if steps % 200 == 0:
                db.session.commit()
            if following is not None:
                heapq.heappush(queue, (max(following, moment), next(order), story))
        db.session.commit()


class _Fresh(Synth):
    """People who are not in the extract: their NIK serials start where the extract's never reach."""

    def _serial(self, key: str) -> str:
        self.serials.setdefault(key, 5000)
        return super()._serial(key)


def seed_district(cast: Cast, seed: int, villages: dict[str, list[str]], cases: int = CASES) -> dict:
    """Import the synthetic extract and play the cases; returns what was made, counted."""
    rng = random.Random(seed)
    every = [v for vs in villages.values() for v in vs]
    today = local_today()
    with tempfile.TemporaryDirectory() as folder:
        path = write_registry(every, seed, Path(folder))
        people = registry_people(path)
        with clock_at(_work_moment(today - timedelta(days=40), rng)):
            import_registry(path, today - timedelta(days=45), cast.officer)
    stories = Stories(cast, rng, utcnow(), people, _Fresh(every, seed + 1), villages)
    # More visits in recent months (word spreads), a few every working day.
    starts = sorted(_work_moment(today - timedelta(days=int(DAYS * (1 - rng.random() ** 0.8))), rng)
                    for _ in range(cases))
    stories.play(starts)
    _visits_to_make(stories, rng)
    return dict(stories.counts, registry=len(people))


def _visits_to_make(stories: Stories, rng: random.Random, how_many: int = 4) -> None:
    """The facilitator's open list: the newest cases in hand in their area, not visited yet, get a home visit
    sent a few days after they came in, so the facilitator lands on visits to make, some past their due date."""
    from slrt.cases.models import Case, CaseStatus
    from slrt.visits import operations as visits
    from slrt.visits.models import HomeVisit
    cast = stories.cast
    waiting = db.session.scalars(select(Case).where(Case.status == CaseStatus.IN_PROGRESS,
                                                    Case.id.not_in(select(HomeVisit.case_id)))
                                 .order_by(Case.created_at.desc(), Case.id.desc())).all()
    for n, case in enumerate([c for c in waiting if visits.of_area(cast.facilitator, c.region_code)][:how_many]):
        # The newest was sent this morning (not due yet); the others a few days after they came in.
        with clock_at(stories.now if n == 0 else min(_later(case.created_at, rng, 1, 3), stories.now)):
            visits.assign(case, cast.facilitator, local_today() + timedelta(days=rng.randint(2, 6)),
                          rng.choice(VISIT_NOTES), cast.officer, local_today())
        stories._count("home visits")
    db.session.commit()


def lists_by_code() -> tuple[dict, dict, dict]:
    from slrt.admin.models import Agency, ComplaintCategory, Programme
    categories = {c.code: c.id for c in db.session.scalars(select(ComplaintCategory))}
    agencies = {a.code: a for a in db.session.scalars(select(Agency))}
    programmes = {p.code: p for p in db.session.scalars(select(Programme))}
    return categories, agencies, programmes
