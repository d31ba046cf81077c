// SLRT Lapangan: the facilitator's offline app. Its words come from the page (#labels, translated by the
// portal's catalogues); what it holds is encrypted in IndexedDB (store.js); it talks to the portal only
// through the sync API (/lapangan/api/), with the device's own token.
import * as store from "./store.js";
import {checkNik} from "./nik.js";

const L = JSON.parse(document.getElementById("labels").textContent);
const VERSION = document.body.dataset.version;
const app = document.getElementById("app");
const DAY = 86400000;
const PHOTO_MAX = 200 * 1024;  // the cap: nothing larger leaves the device
// What the device aims at. A house photo shows walls, floor, roof or a document: 1280 px at JPEG quality 0.5-0.7
// keeps that legible, and three of them go up a 400 kbps line in about six seconds instead of twelve at the cap.
const PHOTO_TARGET = 100 * 1024;
const PHOTO_EDGE = 1280;
// A photo goes in one request: on a line with 400 ms round trips each extra part costs more than the bytes it
// saves re-sending after a break. A photo whose sending broke resumes from what the portal says it has.
const PART = 256 * 1024;
const PHOTOS_AT_ONCE = 3;  // sent side by side: the line's round trips overlap instead of adding up

const t = (name, params = {}) => L[name].replace(/%\((\w+)\)s/g, (_m, k) => String(params[k]));

// Elements are built with textContent only: nothing the user typed or the server sent is read as HTML.
function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) {
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
  }
  return el;
}

// What is left out (null, false) is not shown: replaceChildren would write it out as the text "null".
function show(...children) {
  app.replaceChildren(...children.filter((child) => child !== null && child !== undefined && child !== false));
  window.scrollTo(0, 0);
}
const message = (text, kind = "info") => h("p", {class: `msg ${kind}`, role: kind === "error" ? "alert" : null}, text);
// A field at fault is marked: its message under it, and the input flagged for screen readers.
function field(label, input, error) {
  if (error) input.setAttribute("aria-invalid", "true");
  return h("label", {class: error ? "field invalid" : "field"}, h("span", {}, label), input,
           error ? h("span", {class: "error"}, error) : null);
}

function netState() {
  const net = document.getElementById("net");
  net.textContent = navigator.onLine ? L.online : L.offline;
  net.className = navigator.onLine ? "net on" : "net off";
}

// ---- the server --------------------------------------------------------------------------------------

class Wiped extends Error {}

async function api(path, body, {method = "POST", raw = false} = {}) {
  const token = await store.get("token");
  const response = await fetch(path, {
    method, credentials: "omit",
    headers: {"Authorization": `Bearer ${token}`, "X-App-Version": VERSION,
              "Content-Type": raw ? "application/octet-stream" : "application/json"},
    body: raw ? body : JSON.stringify(body || {}),
  });
  const answer = await response.json().catch(() => ({}));
  if (response.status === 410 && answer.wipe) throw new Wiped();
  return {status: response.status, answer};
}

async function wipe(reason) {
  await store.wipe();
  start(reason);
}

// ---- setup and unlock --------------------------------------------------------------------------------

function setupView(error = "") {
  const name = h("input", {name: "device_name", required: true, maxlength: 80, placeholder: L.device_name_hint});
  const pin = h("input", {name: "pin", type: "password", inputmode: "numeric", autocomplete: "new-password",
                          pattern: "[0-9]*", required: true});
  const again = h("input", {name: "pin_again", type: "password", inputmode: "numeric",
                            autocomplete: "new-password", pattern: "[0-9]*", required: true});
  const form = h("form", {class: "card", onsubmit: async (event) => {
    event.preventDefault();
    if (!/^[0-9]{6,}$/.test(pin.value)) return setupView(L.pin_short);
    if (pin.value !== again.value) return setupView(L.pin_mismatch);
    if (!navigator.onLine) return setupView(L.setup_offline);
    try { await enrol(name.value, pin.value); } catch (failure) { return setupView(failure.message); }
    try {  // enrolled: a failed first pull is only a failed sync, tried again with Sinkronkan
      if (await sync()) home(L.sync_done);
    } catch (failure) { home(failure.message, "error"); }
  }}, h("p", {}, L.setup_intro), error ? message(error, "error") : null,
  error === L.login_needed ? h("p", {}, h("a", {href: `${document.body.dataset.login}?next=/lapangan`}, L.login)) : null,
  field(L.device_name, name), field(L.pin, pin), field(L.pin_again, again),
  h("button", {class: "primary", type: "submit"}, L.setup));
  show(form);
}

async function enrol(name, pin) {
  const uid = crypto.randomUUID();
  let response;
  try {
    response = await fetch("/lapangan/api/perangkat", {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": document.querySelector("meta[name=csrf-token]").content},
      body: JSON.stringify({uid, name, app_version: VERSION}),
    });
  } catch (error) { throw new Error(L.setup_offline); }
  const answer = await response.json().catch(() => null);
  if (!answer) throw new Error(L.login_needed);
  if (response.status !== 201) throw new Error(answer.error || L.login_needed);
  await store.create(pin);
  await store.put("token", answer.token);
  await store.put("profile", {user: answer.user, device: answer.device});
  await store.put("tickets", {held: answer.tickets, used: []});
  await store.setMeta("last_sync", Date.now());
  await store.setMeta("expire_days", 7);
}

function unlockView(error = "") {
  const pin = h("input", {name: "pin", type: "password", inputmode: "numeric", autocomplete: "current-password",
                          pattern: "[0-9]*", required: true, autofocus: true});
  show(h("form", {class: "card", onsubmit: async (event) => {
    event.preventDefault();
    const result = await store.unlock(pin.value);
    if (result.wiped) return start(L.wiped);
    if (!result.ok) return unlockView(`${L.pin_wrong}. ${t("tries_left", {n: result.left})}`);
    home();
  }}, h("p", {}, L.unlock_intro), error ? message(error, "error") : null, field(L.pin, pin),
  h("button", {class: "primary", type: "submit"}, L.unlock)));
}

async function expired() {
  const last = await store.meta("last_sync");
  const days = (await store.meta("expire_days")) || 7;
  return last && Date.now() - last > days * DAY;
}

async function start(notice = "") {
  netState();
  if (!(await store.isSetUp())) return setupView(notice);
  if (await expired()) { await store.wipe(); return setupView(L.expired); }
  if (!store.unlocked()) return unlockView(notice);
  home(notice);
}

// ---- sync --------------------------------------------------------------------------------------------

async function pushRecords() {
  const pending = (await store.records()).filter((r) => r.state === "pending");
  // records thrown away on the device go with the first batch: the portal notes their uuids (nothing else)
  const discarded = ((await store.get("discarded")) || []).slice(0, 50);
  for (let i = 0; i < pending.length || (i === 0 && discarded.length); i += 50) {
    const batch = pending.slice(i, i + 50);
    const {status, answer} = await api("/lapangan/api/kirim", {records: batch.map((r) => {
      const {label, ...body} = r.body;  // the label is for the waiting list on the device only
      return {uuid: r.uuid, kind: r.kind, ...body};
    }), discarded: i === 0 ? discarded : []});
    if (status !== 200) throw new Error(answer.error || L.sync_failed);
    if (i === 0 && discarded.length) {
      const told = new Set(discarded.map((n) => n.uuid));
      await store.put("discarded", ((await store.get("discarded")) || []).filter((n) => !told.has(n.uuid)));
    }
    for (const result of answer.results) {
      // A record sent before whose answer was lost comes back "duplicate": the portal has it.
      const state = {saved: "sent", duplicate: "sent", clash: "clash", refused: "refused"}[result.status];
      await store.setState(result.uuid, state, result);
    }
  }
}

async function pushPhotos() {
  const sentRecords = new Set((await store.records()).filter((r) => r.state === "sent" || r.state === "clash")
                                .map((r) => r.uuid));
  const queue = (await store.photos()).filter((p) => p.state !== "stored" && sentRecords.has(p.record));
  const worker = async () => { for (let photo; (photo = queue.shift());) await pushPhoto(photo); };
  await Promise.all(Array.from({length: PHOTOS_AT_ONCE}, worker));
}

async function pushPhoto(photo) {
  const info = await store.photoInfo(photo);
  let {status, answer} = await api("/lapangan/api/foto", {uuid: photo.uuid, record_uuid: photo.record,
                                                        size: photo.size, ...info});
  if (status !== 200) return;
  const bytes = await store.photoBytes(photo);
  let offset = answer.received;
  while (answer.status !== "stored" && offset < photo.size) {
    ({status, answer} = await api(`/lapangan/api/foto/${photo.uuid}?dari=${offset}`,
                                  bytes.slice(offset, offset + PART), {method: "PUT", raw: true}));
    if (status === 409 && answer.photo) { offset = answer.photo.received; continue; }  // resume where it stands
    if (status !== 200) break;
    offset = answer.received;
    await store.setPhoto(photo.uuid, {sent: offset});
  }
  // the portal keeps the photo now: the device drops its copy, keeping only that it went
  if (answer.status === "stored") await store.setPhoto(photo.uuid, {state: "stored", sent: photo.size, data: null});
}

async function pull() {
  const {status, answer} = await api("/lapangan/api/tarik");
  if (status !== 200) throw new Error(answer.error || L.sync_failed);
  const tickets = (await store.get("tickets")) || {held: [], used: []};
  await store.put("pull", answer);
  await store.put("tickets", {held: answer.tickets, used: tickets.used.filter((n) => answer.tickets.includes(n))});
  await store.setMeta("last_sync", Date.now());
  await store.setMeta("expire_days", answer.expire_days || 7);
  await store.prune(Date.now() - DAY);  // what went is listed as sent for a day
}

async function sync() {
  try {
    await pushRecords();  // records first: a photo is announced for a record the portal has
    await Promise.all([pushPhotos(), pull()]);  // the pull comes down while the photos go up
  } catch (error) {
    if (error instanceof Wiped) { await wipe(L.revoked); return false; }
    throw new Error(error instanceof TypeError ? L.sync_failed : error.message);
  }
  return true;
}

// ---- the main screens --------------------------------------------------------------------------------

function nav(current, waiting) {
  const tab = (name, label, go) => h("button", {class: current === name ? "tab on" : "tab", type: "button",
                                                 "aria-current": current === name ? "page" : null, onclick: go}, label);
  return h("nav", {class: "tabs"},
           tab("visits", L.visits, () => home()), tab("citizen", L.new_citizen, () => citizenView()),
           tab("waiting", waiting ? `${L.waiting} (${waiting})` : L.waiting, () => waitingView()));
}

async function toolbar() {
  const last = await store.meta("last_sync");
  const syncButton = h("button", {class: "primary", type: "button", onclick: async () => {
    syncButton.disabled = true;
    syncButton.textContent = L.syncing;
    try {
      if (await sync()) home(L.sync_done);
    } catch (error) { home(error.message, "error"); }
  }}, L.sync);
  return h("div", {class: "toolbar"}, syncButton,
           h("span", {class: "muted"}, `${L.last_sync}: ${last ? new Date(last).toLocaleString("id-ID") : L.never}`),
           h("button", {type: "button", onclick: () => { store.lock(); start(); }}, L.lock),
           h("button", {type: "button", class: "danger", onclick: async () => {
             if (confirm(L.logout_confirm)) await wipe(L.wiped);
           }}, L.logout));
}

async function waitingCount() {
  return (await store.records()).filter((r) => r.state === "pending").length;
}

async function frame(current, ...body) {
  show(await toolbar(), nav(current, await waitingCount()), ...body);
}

async function home(notice = "", kind = "info") {
  const data = (await store.get("pull")) || {visits: []};
  const recorded = new Map((await store.records()).filter((r) => r.kind === "visit").map((r) => [r.body.visit_id, r]));
  const items = data.visits.map((visit) => h("li", {},
    h("button", {type: "button", class: "visit", onclick: () => {
      const earlier = recorded.get(visit.id);  // a refused visit is corrected, not recorded a second time
      return earlier && earlier.state === "refused" ? fixView(earlier) : visitView(visit);
    }},
      h("strong", {}, visit.case.name), h("span", {}, whereabouts(visit.case)),
      h("span", {class: "muted"}, `${L.due} ${visit.due_date} · ${visit.case.ticket}`),
      !recorded.has(visit.id) ? null : recorded.get(visit.id).state === "refused"
        ? h("span", {class: "badge refused"}, L.refused_fix) : h("span", {class: "badge"}, L.visit_done))));
  await frame("visits", notice ? message(notice, kind) : null, h("h1", {}, L.visits),
              items.length ? h("ul", {class: "list"}, items) : h("p", {class: "muted"}, L.no_visits));
}

// "Kp. Babakan RT 003/RW 005, Arjasari": the parts a case has, without "RT /RW ," where it has none.
function whereabouts(c) {
  const rtrw = [c.rt ? `RT ${c.rt}` : "", c.rw ? `RW ${c.rw}` : ""].filter(Boolean).join("/");
  return [[c.address, rtrw].filter(Boolean).join(" "), c.village].filter(Boolean).join(", ");
}

// ---- a visit -----------------------------------------------------------------------------------------

function select(name, choices, value = "", blank = L.choose) {
  return h("select", {name}, h("option", {value: ""}, blank),
           choices.map(([code, label]) => h("option", {value: code, selected: String(code) === String(value)}, label)));
}

function checks(name, choices, chosen = []) {
  return h("div", {class: "checks"}, choices.map(([code, label]) => h("label", {class: "check"},
    h("input", {type: "checkbox", name, value: code, checked: chosen.map(String).includes(String(code))}), label)));
}

const checked = (form, name) => [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((i) => i.value);
const today = () => new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);

// `fixing`: a refused record of this visit, reopened with what was saved and the field at fault marked.
async function visitView(visit, error = "", fixing = null) {
  const data = await store.get("pull");
  const saved = fixing ? fixing.body : {case: visit.case.base};
  const errors = fixing ? refusedFields(fixing.result) : {};
  const lists = data.lists;
  const photos = [];
  const c = visit.case;
  const photoList = h("ul", {class: "photos"});
  const photoInput = h("input", {type: "file", accept: "image/*", capture: "environment", name: "photo",
                                 onchange: async () => {
    const status = h("li", {}, L.photo_shrinking);
    photoList.append(status);
    for (const file of photoInput.files) {
      const [bytes, place] = await Promise.all([shrink(file), position()]);
      photos.push({bytes, info: {taken_at: new Date().toISOString(), ...place}});
      const url = URL.createObjectURL(new Blob([bytes], {type: "image/jpeg"}));
      photoList.append(h("li", {}, h("img", {src: url, alt: ""}),
                         `${Math.round(bytes.byteLength / 1024)} KB${place.latitude === undefined ? ` · ${L.photo_no_gps}` : " · GPS"}`));
    }
    status.remove();
    photoInput.value = "";
  }});
  const house = lists.housing_aspects.map((aspect) => field(L[aspect] || aspect,
    select(`housing-${aspect}`, lists.housing[aspect], (saved.housing || {})[aspect] || "", L.not_seen), errors[aspect]));
  const form = h("form", {class: "card", onsubmit: async (event) => {
    event.preventDefault();
    const f = event.target;
    if (!f.findings.value.trim() || !f.recommendation.value.trim()) return;
    const housing = Object.fromEntries(lists.housing_aspects.map((a) => [a, f[`housing-${a}`].value]));
    const values = {visited_on: f.visited_on.value, housing, findings: f.findings.value,
                    recommendation: f.recommendation.value,
                    case: {needs: checked(f, "needs").map(Number), documents: checked(f, "documents")}};
    if (fixing) {  // the same record (its uuid, its photos, the base it started from), corrected
      if (!(await store.fixRecord(fixing.uuid, {...fixing.body, ...values}))) return waitingView(L.fix_gone, "error");
      for (const photo of photos) await store.addPhoto(crypto.randomUUID(), fixing.uuid, photo.bytes, photo.info);
      return waitingView(L.fixed);
    }
    const uuid = crypto.randomUUID();
    await store.addRecord(uuid, "visit", {label: `${c.name} · ${c.ticket}`, visit_id: visit.id, base: c.base, ...values});
    for (const photo of photos) await store.addPhoto(crypto.randomUUID(), uuid, photo.bytes, photo.info);
    home(L.saved);
  }},
  h("h1", {}, c.name), h("p", {}, `${whereabouts(c)} · ${c.ticket}`),
  visit.note ? h("p", {class: "note"}, `${L.note}: ${visit.note}`) : null,
  c.requests.length ? h("div", {}, h("h2", {}, L.requests),
                        h("ul", {}, c.requests.map((r) => h("li", {}, `${r.category}: ${r.description}`)))) : null,
  c.household.length ? h("div", {}, h("h2", {}, L.household),
                         h("ul", {}, c.household.map((m) => h("li", {}, m.name)))) : null,
  error ? message(error, "error") : null,
  fixing ? refusalNotice(fixing, errors, ["visited_on", "findings", "recommendation", ...lists.housing_aspects]) : null,
  field(L.visited_on, h("input", {type: "date", name: "visited_on", value: saved.visited_on || today(), max: today(),
                                  required: true}), errors.visited_on),
  h("fieldset", {}, h("legend", {}, L.house), house),
  field(L.findings, h("textarea", {name: "findings", rows: 4, required: true}, saved.findings || ""), errors.findings),
  h("fieldset", {}, h("legend", {}, L.needs), checks("needs", lists.programmes.map((p) => [p.id, p.name]), saved.case.needs)),
  h("fieldset", {}, h("legend", {}, L.documents), checks("documents", lists.documents.map((d) => [d.code, d.name]), saved.case.documents)),
  field(L.recommendation, h("textarea", {name: "recommendation", rows: 3, required: true}, saved.recommendation || ""),
        errors.recommendation),
  h("fieldset", {}, h("legend", {}, L.photos), photoList, h("label", {class: "button"}, L.add_photo, photoInput)),
  h("div", {class: "actions"}, h("button", {class: "primary", type: "submit"}, fixing ? L.fix_save : L.save),
    h("button", {type: "button", onclick: () => (fixing ? waitingView() : home())}, L.cancel)));
  await frame(fixing ? "waiting" : "visits", form);
  focusFault(form);
}

// A photo as a JPEG near PHOTO_TARGET: 1280 px on its long edge, lower quality first, then smaller, until it
// fits; never above PHOTO_MAX.
async function shrink(file) {
  const image = await createImageBitmap(file);
  let scale = Math.min(1, PHOTO_EDGE / Math.max(image.width, image.height));
  for (;;) {
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(image.width * scale));
    canvas.height = Math.max(1, Math.round(image.height * scale));
    canvas.getContext("2d").drawImage(image, 0, 0, canvas.width, canvas.height);
    for (const quality of [0.7, 0.6, 0.5]) {
      const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", quality));
      if (blob.size <= PHOTO_TARGET || (canvas.width < 320 && blob.size <= PHOTO_MAX)) {
        return new Uint8Array(await blob.arrayBuffer());
      }
    }
    scale *= 0.8;
  }
}

function position() {
  if (!navigator.geolocation) return Promise.resolve({});
  return new Promise((resolve) => navigator.geolocation.getCurrentPosition(
    (p) => resolve({latitude: p.coords.latitude, longitude: p.coords.longitude, accuracy: p.coords.accuracy}),
    () => resolve({}), {timeout: 8000, maximumAge: 60000, enableHighAccuracy: true}));
}

// ---- a new citizen -----------------------------------------------------------------------------------

// `fixing`: a refused registration, reopened with what was saved and the fields at fault marked; it keeps its
// uuid and its ticket number (the citizen already holds that number).
async function citizenView(values = {}, errors = {}, fixing = null) {
  const data = await store.get("pull");
  if (!data) return home(L.login_needed, "error");
  const lists = data.lists;
  const input = (name, attrs = {}) => h("input", {name, value: values[name] || "", ...attrs});
  const err = (name) => errors[name];
  const form = h("form", {class: "card", novalidate: true, onsubmit: (event) => {
    event.preventDefault();
    registerCitizen(event.target, data, fixing);
  }},
  h("h1", {}, fixing ? L.fix_citizen : L.new_citizen),
  fixing ? h("p", {class: "muted"}, t("ticket", {ticket: fixing.body.ticket})) : null,
  fixing ? refusalNotice(fixing, errors, CITIZEN_FIELDS)
    : Object.keys(errors).length ? message(L.check_fields, "error") : null,
  field(L.nik, input("nik", {inputmode: "numeric", maxlength: 20, autocomplete: "off"}), err("nik")),
  field(L.name, input("name", {maxlength: 120}), err("name")),
  field(L.birth_place, input("birth_place", {maxlength: 80}), err("birth_place")),
  field(L.birth_date, input("birth_date", {type: "date"}), err("birth_date")),
  h("fieldset", {}, h("legend", {}, L.sex), ["L", "P"].map((s) => h("label", {class: "check"},
    h("input", {type: "radio", name: "sex", value: s, checked: values.sex === s}), s === "L" ? L.male : L.female)),
    err("sex") ? h("span", {class: "error"}, err("sex")) : null),
  field(L.phone, input("phone", {inputmode: "tel", maxlength: 20}), err("phone")),
  field(L.address, input("address", {maxlength: 255}), err("address")),
  h("div", {class: "pair"}, field(L.rt, input("rt", {inputmode: "numeric", maxlength: 3}), err("rt")),
    field(L.rw, input("rw", {inputmode: "numeric", maxlength: 3}), err("rw"))),
  field(L.village, select("region_code", data.villages.map((v) => [v.code, v.name]), values.region_code), err("region_code")),
  field(L.visit_type, select("visit_type", lists.visit_types, values.visit_type), err("visit_type")),
  field(L.category, select("category", lists.categories.map((c) => [c.id, c.name]), values.category), err("category")),
  field(L.complaint, h("textarea", {name: "complaint", rows: 3}, values.complaint || ""), err("complaint")),
  h("fieldset", {}, h("legend", {}, L.needs), checks("needs", lists.programmes.map((p) => [p.id, p.name]), values.needs),
    err("needs") ? h("span", {class: "error"}, err("needs")) : null),
  h("fieldset", {}, h("legend", {}, L.documents), checks("documents", lists.documents.map((d) => [d.code, d.name]), values.documents),
    err("documents") ? h("span", {class: "error"}, err("documents")) : null),
  membersFieldset(values.members || [], errors, lists.relations || []),
  field(L.staff_note, h("textarea", {name: "note", rows: 2}, values.note || ""), err("note")),
  h("div", {class: "actions"}, h("button", {class: "primary", type: "submit"}, fixing ? L.fix_save : L.register),
    fixing ? h("button", {type: "button", onclick: () => waitingView()}, L.cancel) : null));
  await frame(fixing ? "waiting" : "citizen", form);
  focusFault(form);
}

// The household's members, as at the counter ("Tambah anggota"): rows named members-<i>-<field> like the
// counter form's, so what the portal says of a member's field marks that very field.
const MEMBER_FIELDS = ["name", "nik", "relation", "birth_date", "sex"];

function memberRow(member, i, errors, relations) {
  const name = (key) => `members-${i}-${key}`;
  const row = h("div", {class: "member", "data-member": true},
    field(L.member_name, h("input", {name: name("name"), value: member.name || "", maxlength: 120}), errors[name("name")]),
    field(L.nik, h("input", {name: name("nik"), value: member.nik || "", inputmode: "numeric", maxlength: 20,
                             autocomplete: "off"}), errors[name("nik")]),
    field(L.relation, select(name("relation"), relations, member.relation, L.choose_relation), errors[name("relation")]),
    h("div", {class: "pair"},
      field(L.birth_date, h("input", {type: "date", name: name("birth_date"), value: member.birth_date || ""}),
            errors[name("birth_date")]),
      field(L.sex, select(name("sex"), [["L", L.male], ["P", L.female]], member.sex), errors[name("sex")])),
    h("button", {type: "button", class: "danger", onclick: () => {
      const list = row.parentElement;
      row.remove();
      renumberMembers(list);
    }}, L.remove_member));
  return row;
}

function renumberMembers(list) {
  list.querySelectorAll("[data-member]").forEach((row, i) => {
    row.querySelectorAll("[name^=members-]").forEach((input) => {
      input.name = input.name.replace(/^members-\d+-/, `members-${i}-`);
    });
  });
}

function membersFieldset(members, errors, relations) {
  const list = h("div", {class: "members"}, members.map((m, i) => memberRow(m, i, errors, relations)));
  return h("fieldset", {}, h("legend", {}, L.household), list,
           h("button", {type: "button", onclick: () => {
             const row = memberRow({}, list.querySelectorAll("[data-member]").length, {}, relations);
             list.append(row);
             row.querySelector("input").focus();
           }}, `+ ${L.add_member}`));
}

// The member rows of the form as typed (a row left wholly empty is dropped, as at the counter).
function formMembers(form) {
  return [...form.querySelectorAll("[data-member]")].map((row) => Object.fromEntries(MEMBER_FIELDS.map((key) => {
    const input = row.querySelector(`[name$="-${key}"]`);
    return [key, input ? input.value.trim() : ""];
  }))).filter((m) => MEMBER_FIELDS.some((key) => m[key]));
}

// What a field's name says to the facilitator: a member's field says which member.
function fieldLabel(name) {
  const member = /^members-(\d+)-(\w+)$/.exec(name);
  if (member) return `${t("member", {n: Number(member[1]) + 1})}: ${L[member[2] === "name" ? "member_name" : member[2]] || member[2]}`;
  return L[name] || name;
}

// The fields of the citizen form, by the names the device uses (the portal's names are mapped to them).
const CITIZEN_FIELDS = ["nik", "name", "birth_place", "birth_date", "sex", "phone", "address", "rt", "rw", "region_code",
                        "visit_type", "category", "complaint", "needs", "documents", "note"];
const PORTAL_NAMES = {desa: "region_code", kecamatan: "region_code", complaints: "complaint",
                      "complaints-0-category": "category", "complaints-0-description": "complaint"};

// {field: message} of a refusal: the counter form's errors of a registration, or the one field a rule named.
function refusedFields(result) {
  const found = {};
  const add = (name, text) => {
    const key = PORTAL_NAMES[name] || name;
    found[key] = found[key] && found[key] !== text ? `${found[key]} ${text}` : text;
  };
  for (const [name, texts] of Object.entries((result && result.errors) || {})) add(name, [].concat(texts).join(" "));
  if (result && result.field) add(result.field, result.message);
  return found;
}

// The portal's answer above a reopened form; what it said of a field the form does not show is listed here.
function refusalNotice(fixing, errors, shown) {
  const elsewhere = Object.entries(errors).filter(([name, text]) => !shown.includes(name) && !name.startsWith("members-")
                                                  && text !== fixing.result.message);
  return h("div", {class: "msg error", role: "alert"}, h("p", {}, L.fix_intro), h("p", {}, fixing.result.message),
           elsewhere.length ? h("ul", {}, elsewhere.map(([name, text]) => h("li", {}, `${fieldLabel(name)}: ${text}`))) : null);
}

function focusFault(form) {
  const fault = form.querySelector("[aria-invalid]");
  if (fault) fault.focus();
}

async function fixView(record) {
  if (record.kind === "citizen") return citizenView(citizenValues(record.body), refusedFields(record.result), record);
  const data = await store.get("pull");
  const visit = ((data && data.visits) || []).find((v) => v.id === record.body.visit_id);
  return visit ? visitView(visit, "", record) : waitingView(L.cannot_fix, "error");
}

// A saved registration as the form's values (the inverse of citizenBody).
function citizenValues(body) {
  const c = body.citizen;
  const first = (c.complaints || [])[0] || {};
  return {...c, category: first.category === undefined ? "" : String(first.category), complaint: first.description || "",
          needs: (c.needs || []).map(String), documents: c.documents || [],
          members: (c.members || []).map((m) => ({...m, relation: m.relation === undefined ? "" : String(m.relation)}))};
}

function citizenBody(v, ticket) {
  return {ticket, citizen: {
    nik: checkNik(v.nik, null).nik, name: v.name, birth_place: v.birth_place, birth_date: v.birth_date, sex: v.sex,
    phone: v.phone, address: v.address, rt: v.rt, rw: v.rw, region_code: v.region_code, visit_type: v.visit_type,
    complaints: [{category: v.category, description: v.complaint}], needs: v.needs.map(Number),
    documents: v.documents, note: v.note,
    members: v.members.map((m) => ({...m, nik: checkNik(m.nik, null).nik || m.nik, relation: Number(m.relation) || ""}))}};
}

function citizenErrors(v, regencies) {
  const errors = {};
  const nik = checkNik(v.nik, regencies);
  // A sex or birth date unlike the NIK's is only a warning at the counter too: the KTP decides.
  if (nik.errors.length) errors.nik = nik.errors.map(([name, params]) => t(name, params)).join(" ");
  for (const name of ["name", "birth_date", "sex", "region_code", "visit_type", "category", "complaint"]) {
    if (!String(v[name] || "").trim()) errors[name] = errors[name] || L.required;
  }
  // a member as the counter checks one: a name, the relation to the head, a NIK by the same rules if given,
  // and not the head's or an earlier member's (one person is listed once)
  const seen = new Set(nik.errors.length ? [] : [nik.nik]);
  (v.members || []).forEach((m, i) => {
    if (!m.name) errors[`members-${i}-name`] = L.member_name_required;
    if (!m.relation) errors[`members-${i}-relation`] = L.relation_required;
    if (m.nik) {
      const check = checkNik(m.nik, regencies);
      if (check.errors.length) errors[`members-${i}-nik`] = check.errors.map(([name, params]) => t(name, params)).join(" ");
      else if (seen.has(check.nik)) errors[`members-${i}-nik`] = L.nik_repeated;
      else seen.add(check.nik);
    }
  });
  return errors;
}

async function registerCitizen(form, data, fixing = null) {
  const v = Object.fromEntries(new FormData(form));
  v.needs = checked(form, "needs");
  v.documents = checked(form, "documents");
  for (const key of Object.keys(v)) if (key.startsWith("members-")) delete v[key];
  v.members = formMembers(form);
  const errors = citizenErrors(v, data.regencies);
  if (Object.keys(errors).length) return citizenView(v, errors, fixing);
  if (fixing) {
    if (!(await store.fixRecord(fixing.uuid, citizenBody(v, fixing.body.ticket)))) return waitingView(L.fix_gone, "error");
    return waitingView(L.fixed);
  }
  const tickets = await store.get("tickets");
  const ticket = tickets.held.find((n) => !tickets.used.includes(n));
  if (!ticket) return citizenView(v, {nik: L.no_tickets});
  tickets.used.push(ticket);
  await store.put("tickets", tickets);
  await store.addRecord(crypto.randomUUID(), "citizen", citizenBody(v, ticket));
  await frame("citizen", h("div", {class: "card ticket"}, h("p", {}, v.name),
                           h("p", {class: "number"}, t("ticket", {ticket})), h("p", {}, L.ticket_note)));
}

// ---- what waits --------------------------------------------------------------------------------------

function clashTable(result, lists) {
  const names = {needs: Object.fromEntries(lists.programmes.map((p) => [p.id, p.name])),
                 documents: Object.fromEntries(lists.documents.map((d) => [d.code, d.name]))};
  const shown = (name, values) => values.map((v) => names[name][v] || v).join(", ") || "—";
  return h("div", {class: "clash"}, h("p", {}, L.clash_intro), h("table", {},
    h("tr", {}, h("th", {}, ""), h("th", {}, L.office_value), h("th", {}, L.your_value)),
    Object.keys(result.clash.device).map((name) => h("tr", {}, h("th", {}, L[name] || name),
      h("td", {}, shown(name, result.clash.office[name] || [])), h("td", {}, shown(name, result.clash.device[name]))))));
}

async function waitingView(notice = "", kind = "info") {
  const data = (await store.get("pull")) || {visits: [], lists: {programmes: [], documents: []}};
  const photos = await store.photos();
  const rows = (await store.records()).sort((a, b) => b.created - a.created);
  const label = {pending: L.pending, sent: L.sent, clash: L.clash, refused: L.refused};
  const items = rows.map((r) => {
    const waitingPhotos = photos.filter((p) => p.record === r.uuid && p.state !== "stored").length;
    const what = r.kind === "visit" ? `${L.visit}: ${r.body.label}` : `${L.citizen}: ${r.body.citizen.name} · ${r.body.ticket}`;
    return h("li", {class: `state-${r.state}`}, h("strong", {}, what),
             h("span", {class: "badge"}, label[r.state]),
             waitingPhotos ? h("span", {class: "muted"}, `${waitingPhotos} ${L.photos_waiting}`) : null,
             r.state === "refused" && r.result ? refusal(r, data, photos.filter((p) => p.record === r.uuid).length) : null,
             r.state === "clash" && r.result && r.result.clash ? clashTable(r.result, data.lists) : null);
  });
  await frame("waiting", notice ? message(notice, kind) : null, h("h1", {}, L.waiting),
              items.length ? h("ul", {class: "list waiting"}, items) : h("p", {class: "muted"}, L.outbox_empty));
}

// A refused record: what the portal said (field by field), and the way to correct it on the device. A ticket
// number the portal does not give this device, or a visit no longer assigned, cannot be corrected here: such a
// record may be thrown away, after a confirmation that says what is lost.
function refusal(record, data, photoCount) {
  const faults = Object.entries(refusedFields(record.result)).filter(([, text]) => text !== record.result.message);
  const fixable = record.result.field !== "ticket" && (record.kind === "citizen"
    || (data.visits || []).some((v) => v.id === record.body.visit_id));
  const box = h("div", {class: "refusal"}, h("p", {class: "error"}, record.result.message),
    faults.length ? h("ul", {class: "error"}, faults.map(([name, text]) => h("li", {}, `${fieldLabel(name)}: ${text}`))) : null,
    fixable ? h("button", {type: "button", class: "primary", onclick: () => fixView(record)}, L.fix)
      : [h("p", {class: "muted"}, L.cannot_fix),
         h("button", {type: "button", class: "danger", onclick: (event) => {
           event.currentTarget.replaceWith(discardConfirm(record, photoCount));
           box.querySelector("[data-discard-yes]").focus();
         }}, L.discard)]);
  return box;
}

// What throwing a record away loses, said before it goes: its findings or registration and photos, for good;
// a citizen's paper ticket number that is worth nothing now (the citizen must be told, and registered again).
function discardConfirm(record, photoCount) {
  const citizen = record.kind === "citizen";
  const what = citizen ? record.body.citizen.name : record.body.label;
  const ticket = citizen && record.body.ticket;
  const panel = h("div", {class: "discard", role: "alertdialog", "aria-label": L.discard},
    h("p", {}, t(citizen ? "discard_citizen" : "discard_visit", {what}),
      photoCount ? ` ${t("discard_photos", {n: photoCount})}` : null),
    ticket ? h("p", {class: "error"}, h("strong", {}, t("discard_ticket", {ticket}))) : null,
    h("p", {class: "muted"}, L.discard_office),
    h("div", {class: "actions"},
      h("button", {type: "button", class: "danger", "data-discard-yes": true, onclick: async () => {
        const gone = await store.discard(record.uuid);
        return waitingView(gone ? L.discarded : L.fix_gone, gone ? "info" : "error");
      }}, L.discard_yes),
      h("button", {type: "button", onclick: () => waitingView()}, L.cancel)));
  return panel;
}

// ---- start -------------------------------------------------------------------------------------------

window.addEventListener("online", netState);
window.addEventListener("offline", netState);
if ("serviceWorker" in navigator) {
  navigator.serviceWorker.register(document.body.dataset.sw, {scope: "/lapangan"});
}
start();
