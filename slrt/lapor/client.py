"""The SP4N-LAPOR! integration API, behind one interface (`LaporClient`).

The real API is given by the operator (KemenPAN-RB / the LAPOR! team) under an integration agreement; its
exact shape comes with the agreement. The portal assumes this one (README, "SP4N-LAPOR!"), and an adapter
for another shape only needs another class with the same three methods:

- GET  {url}/disposisi?cursor=<c>          → {"data": [report, …], "next_cursor": "…" | null}
  report = {"tracking_id", "judul", "isi", "tanggal_disposisi" (ISO date or datetime), "kategori",
            "pelapor": {"nik", "nama", "tanggal_lahir", "jenis_kelamin" (L/P), "telepon"},
            "lokasi": {"kode_wilayah" (Kemendagri desa code)}}
- POST {url}/laporan/{tracking_id}/terima  {"id", "nomor_tiket"}                  acknowledge
- POST {url}/laporan/{tracking_id}/tindak-lanjut {"id", "tanggal", "tahap", "isi"}  one follow-up step
Every request carries `Authorization: Bearer <token>`; posts carry `Idempotency-Key` (= "id"), and a 409
answer (already recorded under that key) counts as done.
"""
from __future__ import annotations

import http.client
import json
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Protocol

from slrt.notifications.senders import SendError, SendOutcomeUnknown, check_gateway_url, open_request


class LaporError(Exception):
    """LAPOR! could not be read (unreachable, an error answer, or an answer of the wrong shape)."""


@dataclass
class Batch:
    reports: list[dict]
    next_cursor: str | None


class LaporClient(Protocol):
    def pull(self, cursor: str | None = None) -> Batch: ...

    def acknowledge(self, tracking_id: str, ticket: str, key: str) -> None: ...

    def push_follow_up(self, tracking_id: str, step: dict, key: str) -> None: ...


class HttpLaporClient:
    def __init__(self, url: str, token: str, timeout: float = 20.0, env: str = "production") -> None:
        check_gateway_url(url, env, "SLRT_LAPOR_URL")
        self.url, self.token, self.timeout = url.rstrip("/"), token, timeout

    def _headers(self, key: str = "") -> dict:
        headers = {"Accept": "application/json", "User-Agent": "slrt-lapor",
                   "Authorization": f"Bearer {self.token}"}
        if key:
            headers.update({"Content-Type": "application/json", "Idempotency-Key": key})
        return headers

    def pull(self, cursor: str | None = None) -> Batch:
        query = "?" + urllib.parse.urlencode({"cursor": cursor}) if cursor else ""
        request = urllib.request.Request(f"{self.url}/disposisi{query}", headers=self._headers(), method="GET")
        try:
            with open_request(request, self.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise LaporError(f"LAPOR! answered HTTP {error.code}") from None
        except urllib.error.URLError as error:
            raise LaporError(f"LAPOR! unreachable: {error.reason}") from None
        except (TimeoutError, http.client.HTTPException, OSError, ValueError) as error:
            raise LaporError(f"no usable answer from LAPOR! ({type(error).__name__})") from None
        if not isinstance(answer, dict) or not isinstance(answer.get("data"), list):
            raise LaporError("LAPOR! answered without a list of reports")
        next_cursor = answer.get("next_cursor")
        return Batch([r for r in answer["data"] if isinstance(r, dict)],
                     str(next_cursor) if next_cursor not in (None, "") else None)

    def _post(self, path: str, payload: dict, key: str) -> None:
        data = json.dumps(payload).encode()
        request = urllib.request.Request(f"{self.url}{path}", data=data, headers=self._headers(key), method="POST")
        try:
            with open_request(request, self.timeout):
                return
        except urllib.error.HTTPError as error:
            if error.code == 409:  # LAPOR! already has this step under this key: done
                return
            if error.code in (408, 504):
                raise SendOutcomeUnknown(f"LAPOR! answered HTTP {error.code}: outcome unknown") from None
            raise SendError(f"LAPOR! answered HTTP {error.code}") from None
        except urllib.error.URLError as error:
            raise SendError(f"LAPOR! unreachable: {error.reason}") from None
        except (TimeoutError, http.client.HTTPException, OSError) as error:
            raise SendOutcomeUnknown(f"no answer from LAPOR! ({type(error).__name__}): outcome unknown") from None

    def acknowledge(self, tracking_id: str, ticket: str, key: str) -> None:
        self._post(f"/laporan/{urllib.parse.quote(tracking_id, safe='')}/terima",
                   {"id": key, "nomor_tiket": ticket}, key)

    def push_follow_up(self, tracking_id: str, step: dict, key: str) -> None:
        self._post(f"/laporan/{urllib.parse.quote(tracking_id, safe='')}/tindak-lanjut", {"id": key, **step}, key)


class LaporSender:
    """The outbox's sender for the LAPOR! channel: the row's body is {"action": "ack"|"follow_up", …}."""

    reaches_phone = True

    def __init__(self, client: LaporClient) -> None:
        self.client = client

    def send(self, phone: str, body: str, key: str, kind: str = "") -> None:
        try:
            message = json.loads(body)
        except ValueError:
            raise SendError("not a LAPOR! message") from None
        if message.get("action") == "ack":
            self.client.acknowledge(message["tracking_id"], message["ticket"], key)
        elif message.get("action") == "follow_up":
            self.client.push_follow_up(message["tracking_id"], message["step"], key)
        else:
            raise SendError("unknown LAPOR! action")


def client_for(app) -> LaporClient | None:
    custom = app.config.get("SLRT_LAPOR_CLIENT")  # an object with the three methods (a district's own adapter)
    if custom is not None:
        return custom
    url, token = app.config.get("SLRT_LAPOR_URL") or "", app.config.get("SLRT_LAPOR_TOKEN") or ""
    if not url or not token:
        return None
    return HttpLaporClient(url, token, float(app.config.get("SLRT_LAPOR_TIMEOUT") or 20),
                           env=app.config.get("SLRT_ENV", "production"))


def sender_for(app) -> LaporSender | None:
    client = client_for(app)
    return LaporSender(client) if client is not None else None
