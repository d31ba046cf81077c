// The device's store: IndexedDB (through idb) where every personal value is AES-GCM encrypted with a key
// derived from the device PIN (PBKDF2-SHA-256). In clear only what is not personal: record ids, sync
// states, the salt, the count of wrong PINs, the time of the last sync.
const DB_NAME = "slrt-lapangan";
const ITERATIONS = 310000;
export const MAX_TRIES = 5;

let db = null;
let key = null;

async function open() {
  if (!db) {
    db = await idb.openDB(DB_NAME, 1, {
      upgrade(d) {
        d.createObjectStore("meta");                          // clear: salt, tries, last sync, expiry days
        d.createObjectStore("vault");                         // encrypted blobs: token, pull, tickets
        d.createObjectStore("outbox", {keyPath: "uuid"});     // {uuid, kind, state, created, iv, data}
        d.createObjectStore("photos", {keyPath: "uuid"});     // {uuid, record, size, sent, state, iv, data, ...}
      },
    });
  }
  return db;
}

export async function meta(name) { return (await open()).get("meta", name); }
export async function setMeta(name, value) { return (await open()).put("meta", value, name); }

async function deriveKey(pin, salt) {
  const material = await crypto.subtle.importKey("raw", new TextEncoder().encode(pin), "PBKDF2", false,
                                                 ["deriveKey"]);
  return crypto.subtle.deriveKey({name: "PBKDF2", hash: "SHA-256", salt, iterations: ITERATIONS}, material,
                                 {name: "AES-GCM", length: 256}, false, ["encrypt", "decrypt"]);
}

async function encryptBytes(bytes) {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  return {iv, data: await crypto.subtle.encrypt({name: "AES-GCM", iv}, key, bytes)};
}

async function decryptBytes(box) {
  return crypto.subtle.decrypt({name: "AES-GCM", iv: box.iv}, key, box.data);
}

const seal = (value) => encryptBytes(new TextEncoder().encode(JSON.stringify(value)));
const unseal = async (box) => JSON.parse(new TextDecoder().decode(await decryptBytes(box)));

export const unlocked = () => key !== null;
export function lock() { key = null; }

export async function create(pin) {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  key = await deriveKey(pin, salt);
  await setMeta("salt", salt);
  await setMeta("check", await seal("slrt"));  // decrypts only with the right PIN
  await setMeta("tries", 0);
}

// true when the PIN opens the store; a wrong PIN counts, and the fifth wipes everything.
export async function unlock(pin) {
  const salt = await meta("salt");
  const candidate = await deriveKey(pin, salt);
  try {
    const check = await meta("check");
    await crypto.subtle.decrypt({name: "AES-GCM", iv: check.iv}, candidate, check.data);
  } catch (error) {
    const tries = ((await meta("tries")) || 0) + 1;
    if (tries >= MAX_TRIES) { await wipe(); return {ok: false, wiped: true}; }
    await setMeta("tries", tries);
    return {ok: false, left: MAX_TRIES - tries};
  }
  key = candidate;
  await setMeta("tries", 0);
  return {ok: true};
}

export async function isSetUp() { return Boolean(await meta("check")); }

export async function wipe() {
  key = null;
  if (db) { db.close(); db = null; }
  await new Promise((resolve) => {
    const request = indexedDB.deleteDatabase(DB_NAME);
    request.onsuccess = request.onerror = request.onblocked = () => resolve();
  });
}

export async function put(name, value) { return (await open()).put("vault", await seal(value), name); }
export async function get(name) {
  const box = await (await open()).get("vault", name);
  return box ? unseal(box) : null;
}

// Outbox records: the body encrypted, the state in clear.
export async function addRecord(uuid, kind, body) {
  const box = await seal(body);
  return (await open()).put("outbox", {uuid, kind, state: "pending", created: Date.now(), ...box});
}
export async function records() {
  const rows = await (await open()).getAll("outbox");
  return Promise.all(rows.map(async (row) => ({...row, body: await unseal(row),
                                              result: row.result ? await unseal(row.result) : null})));
}
export async function setState(uuid, state, result) {
  const d = await open();
  const row = await d.get("outbox", uuid);
  row.state = state;
  row.result = result ? await seal(result) : null;
  return d.put("outbox", row);
}

// A record the portal refused, corrected on the device: the same uuid (the portal keeps a uuid once, so it can
// never be saved twice), back in the outbox as pending for the next sync. Only a refused record changes: one
// the portal has, or one still waiting, is left as it is (false).
export async function fixRecord(uuid, body) {
  const box = await seal(body);  // before the transaction: it would close while the encryption runs
  const t = (await open()).transaction("outbox", "readwrite");
  const row = await t.store.get(uuid);
  const fixable = Boolean(row) && row.state === "refused";
  if (fixable) await t.store.put({...row, ...box, state: "pending", result: null, fixed: Date.now()});
  await t.done;
  return fixable;
}

// A refused record nothing on the device can fix, thrown away by the facilitator: the record and its photos
// leave the device, and what the portal is told at the next sync (uuid, kind, a citizen's paper ticket) waits in
// the vault under "discarded", all in one transaction. Only a refused record goes (null otherwise).
export async function discard(uuid) {
  const d = await open();
  const before = await d.get("outbox", uuid);
  if (!before || before.state !== "refused") return null;
  const body = await unseal(before);
  const note = {uuid, kind: before.kind, ticket: before.kind === "citizen" ? body.ticket || "" : ""};
  const told = await seal([...((await get("discarded")) || []).filter((n) => n.uuid !== uuid), note]);
  const t = d.transaction(["outbox", "photos", "vault"], "readwrite");  // sealed before: it would close meanwhile
  const row = await t.objectStore("outbox").get(uuid);
  if (!row || row.state !== "refused") { t.abort(); await t.done.catch(() => null); return null; }
  await t.objectStore("outbox").delete(uuid);
  for (const photo of await t.objectStore("photos").getAll()) {
    if (photo.record === uuid) await t.objectStore("photos").delete(photo.uuid);
  }
  await t.objectStore("vault").put(told, "discarded");
  await t.done;
  return note;
}

export async function addPhoto(uuid, record, bytes, info) {
  const box = await encryptBytes(bytes);
  const about = await seal(info);
  return (await open()).put("photos", {uuid, record, size: bytes.byteLength, sent: 0, state: "pending",
                                       iv: box.iv, data: box.data, about});
}
export async function photos() { return (await open()).getAll("photos"); }
export async function photoBytes(row) { return new Uint8Array(await decryptBytes(row)); }
export async function photoInfo(row) { return unseal(row.about); }
export async function setPhoto(uuid, changes) {
  const d = await open();
  const row = await d.get("photos", uuid);
  return d.put("photos", {...row, ...changes});
}

// Records the portal has (and their photos) leave the device after `before`: what is kept is what is needed.
export async function prune(before) {
  // A record leaves the device a day after it went, with its photos, but never while one of its photos has not
  // reached the portal: that photo would be lost.
  const d = await open();
  const photos = await d.getAll("photos");
  const waiting = new Set(photos.filter((p) => p.state !== "stored").map((p) => p.record));
  const gone = new Set();
  for (const row of await d.getAll("outbox")) {
    if (row.state === "sent" && row.created < before && !waiting.has(row.uuid)) {
      gone.add(row.uuid);
      await d.delete("outbox", row.uuid);
    }
  }
  for (const photo of photos) {
    if (gone.has(photo.record)) await d.delete("photos", photo.uuid);
  }
}
