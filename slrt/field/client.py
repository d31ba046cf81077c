"""The field app itself, served by the portal: its page (the shell the service worker keeps for offline use),
its web app manifest and its service worker. No build step: the files under static/field/ are what runs.

The shell carries no personal data (that lives encrypted in the device's IndexedDB, see static/field/app.js),
so the service worker may keep it and open it offline."""
from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, current_app, make_response, render_template, url_for
from flask_babel import gettext as _

from slrt.auth.permissions import permission_required
from slrt.core.db import read_only
from slrt.field.permissions import can_use_field_app
from slrt.regions.districts import current_district, district_name

bp = Blueprint("field_app", __name__)

APP_VERSION = "1.0.0"
WORKBOX = "vendor/workbox-7.3.0"
# What the service worker keeps (besides the page itself), relative to static/.
ASSETS = ("field/app.js", "field/nik.js", "field/store.js", "field/app.css", "vendor/idb-8.0.3/idb.umd.js",
          "field/icon-192.png", "field/icon-512.png", "field/icon-maskable-512.png")
# workbox-precaching serves its cache through workbox-routing and workbox-strategies.
WORKBOX_MODULES = ("workbox-core", "workbox-precaching", "workbox-routing", "workbox-strategies")

# The shell may use the camera (photo input) and the position (where a photo was taken), unlike the portal's
# pages; images are previewed from blob: URLs made on the device.
SHELL_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
             "connect-src 'self'; worker-src 'self'; manifest-src 'self'; form-action 'self'; "
             "frame-ancestors 'none'; base-uri 'none'; object-src 'none'")


@lru_cache(maxsize=4)
def _revisions(static_folder: str, template: str) -> dict[str, str]:
    """A content hash per precached file (and one for the shell, over everything): a changed file is fetched
    again at the next service worker update, an unchanged one is not."""
    root = Path(static_folder)
    revisions = {name: hashlib.sha256((root / name).read_bytes()).hexdigest()[:16] for name in ASSETS}
    shell = hashlib.sha256((APP_VERSION + template + json.dumps(revisions, sort_keys=True)).encode())
    revisions[""] = shell.hexdigest()[:16]
    return revisions


def revisions() -> dict[str, str]:
    template = Path(current_app.root_path).parent / "templates" / "field" / "app.html"
    return _revisions(current_app.static_folder, template.read_text() + json.dumps(labels(), sort_keys=True))


def labels() -> dict[str, str]:
    """The app's words, translated by the catalogues like every page (the app's script holds none)."""
    return {
        "title": _("SLRT Lapangan"), "offline": _("Tanpa sinyal"), "online": _("Tersambung"),
        "setup_intro": _("Pasang aplikasi lapangan di perangkat ini. Buat PIN perangkat (paling sedikit 6 "
                         "angka); PIN ini mengunci semua data warga di perangkat."),
        "device_name": _("Nama perangkat"), "device_name_hint": _("misalnya Tablet Desa Sukamaju"),
        "pin": _("PIN perangkat"), "pin_again": _("Ulangi PIN"), "setup": _("Pasang perangkat"),
        "pin_short": _("PIN paling sedikit 6 angka."), "pin_mismatch": _("Kedua PIN tidak sama."),
        "setup_offline": _("Pemasangan perlu sinyal. Sambungkan perangkat lalu coba lagi."),
        "unlock_intro": _("Masukkan PIN perangkat untuk membuka data."), "unlock": _("Buka"),
        "pin_wrong": _("PIN salah"), "tries_left": _("Sisa percobaan: %(n)s"),
        "wiped": _("Semua data lapangan di perangkat ini sudah dihapus."),
        "expired": _("Data dihapus karena perangkat terlalu lama tidak disinkronkan."),
        "revoked": _("Perangkat ini sudah dicabut. Semua data di perangkat dihapus."),
        "visits": _("Kunjungan saya"), "new_citizen": _("Daftar warga baru"), "waiting": _("Menunggu sinkron"),
        "sync": _("Sinkronkan"), "syncing": _("Menyinkronkan…"), "lock": _("Kunci"), "logout": _("Keluar"),
        "logout_confirm": _("Keluar akan menghapus semua data lapangan di perangkat ini, juga yang belum "
                            "terkirim. Lanjutkan?"),
        "no_visits": _("Belum ada kunjungan. Tekan Sinkronkan saat ada sinyal."),
        "due": _("Batas"), "last_sync": _("Sinkron terakhir"), "never": _("belum pernah"),
        "household": _("Anggota rumah tangga"), "requests": _("Permintaan"), "note": _("Catatan kantor"),
        "visit_done": _("Sudah dicatat, menunggu sinkron"), "record_visit": _("Catat kunjungan"),
        "visited_on": _("Tanggal kunjungan"), "house": _("Keadaan rumah"), "not_seen": _("— tidak dilihat —"),
        "findings": _("Keadaan rumah tangga"), "needs": _("Kebutuhan program/layanan"),
        "documents": _("Dokumen yang dilihat"), "recommendation": _("Rekomendasi"), "photos": _("Foto"),
        "add_photo": _("Ambil foto"), "photo_shrinking": _("Foto diperkecil…"),
        "photo_no_gps": _("tanpa lokasi"), "save": _("Simpan"), "cancel": _("Batal"), "back": _("Kembali"),
        "required": _("Wajib diisi."), "saved": _("Tersimpan di perangkat. Kirim dengan Sinkronkan."),
        "ownership": _("Kepemilikan rumah"), "floor": _("Lantai"), "walls": _("Dinding"), "toilet": _("Jamban"),
        "water": _("Air minum"), "lighting": _("Penerangan"), "cooking_fuel": _("Bahan bakar memasak"),
        "nik": _("NIK"), "name": _("Nama lengkap"), "birth_place": _("Tempat lahir"),
        "birth_date": _("Tanggal lahir"), "sex": _("Jenis kelamin"), "male": _("Laki-laki"),
        "female": _("Perempuan"), "phone": _("Nomor HP"), "address": _("Alamat (jalan, kampung, dusun)"),
        "rt": _("RT"), "rw": _("RW"), "village": _("Desa/kelurahan"), "visit_type": _("Jenis layanan"),
        "category": _("Kategori"), "complaint": _("Uraian keluhan atau permintaan"),
        "check_fields": _("Periksa kembali isian yang ditandai."), "staff_note": _("Catatan petugas"),
        "choose": _("— pilih —"), "register": _("Daftarkan"),
        "ticket": _("Nomor tiket: %(ticket)s"),
        "ticket_note": _("Berikan nomor ini kepada warga. Nomor ini tetap dipakai setelah sinkron."),
        "no_tickets": _("Nomor tiket di perangkat habis. Sinkronkan dulu saat ada sinyal."),
        "nik_empty": _("NIK wajib diisi."), "nik_digits": _("NIK hanya boleh berisi angka."),
        "nik_length": _("NIK harus 16 digit; yang diketik %(n)s digit."),
        "nik_region": _("Kode provinsi/kabupaten %(code)s pada NIK tidak dikenal."),
        "nik_date": _("Tanggal lahir pada NIK (digit ke-7 sampai ke-12) bukan tanggal yang sah."),
        "nik_serial": _("Nomor urut pada NIK (4 digit terakhir) tidak boleh 0000."),
        "outbox_empty": _("Tidak ada yang menunggu."), "pending": _("Menunggu"), "sent": _("Terkirim"),
        "refused": _("Ditolak"), "clash": _("Bentrok: kantor yang memutuskan"),
        "clash_intro": _("Kantor juga mengubah isian ini sejak Anda menarik data. Kantor (back office) yang "
                         "memutuskan versi mana yang dipakai."),
        "office_value": _("Versi kantor"), "your_value": _("Versi Anda"), "visit": _("Kunjungan"),
        "citizen": _("Pendaftaran warga"), "photos_waiting": _("foto menunggu"),
        "sync_failed": _("Sinkron gagal: tidak ada sambungan ke portal. Data tetap aman di perangkat."),
        "sync_done": _("Sinkron selesai."), "login_needed": _("Masuk ke portal dulu saat ada sinyal."),
        "login": _("Masuk"),
        "fix": _("Perbaiki"), "fix_citizen": _("Perbaiki pendaftaran warga"), "fix_save": _("Simpan perbaikan"),
        "fix_intro": _("Portal menolak catatan ini. Perbaiki isian yang ditandai lalu simpan; catatan dikirim "
                       "lagi pada sinkron berikutnya."),
        "fixed": _("Perbaikan tersimpan di perangkat dan menunggu sinkron. Kirim dengan Sinkronkan."),
        "fix_gone": _("Catatan ini tidak lagi menunggu perbaikan; tidak ada yang diubah."),
        "cannot_fix": _("Catatan ini tidak dapat diperbaiki di perangkat. Hubungi kantor."),
        "refused_fix": _("Ditolak portal: perlu diperbaiki"), "kk_number": _("No. KK"),
        "add_member": _("Tambah anggota"), "member": _("Anggota ke-%(n)s"), "member_name": _("Nama anggota"),
        "relation": _("Hubungan"), "choose_relation": _("— pilih hubungan —"), "remove_member": _("Hapus anggota"),
        "member_name_required": _("Nama anggota wajib diisi."),
        "relation_required": _("Pilih hubungan anggota ini dengan kepala keluarga."),
        "nik_repeated": _("NIK ini sudah tercantum di atas."),
        "discard": _("Buang catatan"), "discard_yes": _("Ya, buang dari perangkat"),
        "discard_visit": _("Catatan kunjungan ini (%(what)s) tidak pernah diterima kantor. Jika dibuang, temuan "
                           "dan rekomendasinya dihapus dari perangkat ini dan tidak dapat dikembalikan; kantor harus "
                           "mencatat kunjungan itu sendiri."),
        "discard_citizen": _("Pendaftaran %(what)s tidak pernah diterima kantor. Jika dibuang, semua isiannya "
                             "dihapus dari perangkat ini dan tidak dapat dikembalikan."),
        "discard_photos": _("%(n)s foto catatan ini ikut dihapus."),
        "discard_ticket": _("Nomor tiket %(ticket)s yang diberikan kepada warga tidak berlaku: beri tahu warga "
                            "agar datang ke kantor dengan membawa kertas tiket itu untuk didaftarkan ulang."),
        "discard_office": _("Pada sinkron berikutnya kantor diberi tahu bahwa catatan ini dibuang (hanya kode "
                            "catatan dan nomor tiketnya, tanpa data warga)."),
        "discarded": _("Catatan dibuang dari perangkat beserta fotonya."),
    }


def _no_store(response):
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.route("/lapangan")
@permission_required(can_use_field_app)
@read_only
def shell():
    """The field app: one page, kept by the service worker, that opens offline and asks for the PIN."""
    response = make_response(render_template("field/app.html", labels=labels(), version=APP_VERSION,
                                             revision=revisions()[""]))
    response.headers["Content-Security-Policy"] = SHELL_CSP
    response.headers["Permissions-Policy"] = "camera=(self), microphone=(), geolocation=(self)"
    return response


# The manifest and the service worker hold no personal data; they are public so that the browser's own
# update checks work whether or not a session is still open.
@bp.route("/lapangan/manifest.webmanifest")
@read_only
def manifest():
    # The installed app's name says whose it is: the facilitator's district, or the district of the host.
    body = {
        "name": _("SLRT Lapangan %(district)s", district=district_name(current_district())),
        "short_name": _("SLRT Lapangan"), "lang": "id", "start_url": "/lapangan",
        "scope": "/lapangan", "display": "standalone", "background_color": "#f5f7f9", "theme_color": "#0b6e4f",
        "icons": [
            {"src": url_for("static", filename="field/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": url_for("static", filename="field/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": url_for("static", filename="field/icon-maskable-512.png"), "sizes": "512x512",
             "type": "image/png", "purpose": "maskable"},
        ],
    }
    response = make_response(json.dumps(body, ensure_ascii=False))
    response.mimetype = "application/manifest+json"
    return _no_store(response)


@bp.route("/lapangan/sw.js")
@read_only
def service_worker():
    """The service worker, scoped to /lapangan (its file sits under it, so the header widens the scope from
    /lapangan/ to the page itself)."""
    revs = revisions()
    static = current_app.static_url_path  # plain paths: the revisions version them, and the service worker
    # matches a page's `?v=` URLs to them by ignoring the query
    precache = [{"url": url_for("field_app.shell"), "revision": revs[""]}] + [
        {"url": f"{static}/{name}", "revision": revs[name]} for name in ASSETS]
    response = make_response(render_template(
        "field/sw.js", workbox=f"{static}/{WORKBOX}/workbox-sw.js?v={revs['']}", prefix=f"{static}/{WORKBOX}",
        precache=precache, modules=WORKBOX_MODULES))
    response.mimetype = "text/javascript"
    response.headers["Service-Worker-Allowed"] = "/lapangan"
    return _no_store(response)
