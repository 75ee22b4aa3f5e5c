// facectl console: a small single-page app over the REST API (/api/v1). No framework, no CDN.
"use strict";

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const kid of kids) e.append(kid);
  return e;
};

class ApiError extends Error {
  constructor(status, code, message) { super(message); this.status = status; this.code = code; }
}

async function api(path, options = {}) {
  let resp;
  try {
    resp = await fetch("/api/v1" + path, { credentials: "same-origin", ...options });
  } catch (e) {
    throw new ApiError(0, "network", "The server cannot be reached: " + e.message);
  }
  const type = resp.headers.get("content-type") || "";
  const body = type.includes("json") ? await resp.json() : null;
  if (resp.status === 401) { showPage("login"); }
  if (!resp.ok) {
    const err = (body && body.error) || {};
    throw new ApiError(resp.status, err.code || "http_" + resp.status, err.message || resp.status + " " + resp.statusText);
  }
  return body;
}

function alertBox(message, ok = false) {
  const a = $("alert");
  if (!message) { a.hidden = true; return; }
  a.textContent = message;
  a.classList.toggle("ok", ok);
  a.hidden = false;
}

const pct = (s) => (Math.round(s * 10) / 10).toFixed(1) + "%";

// ---- pages -------------------------------------------------------------------------------
const pages = ["login", "who", "register", "people", "status"];

function showPage(name) {
  for (const p of pages) $("page-" + p).hidden = p !== name;
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.page === name);
}

function route() {
  alertBox(null);
  const hash = location.hash.replace(/^#\/?/, "");
  if (hash === "token-refused") {
    showPage("login");
    alertBox("That token is not this server's.");
    return;
  }
  const name = pages.includes(hash) ? hash : "who";
  showPage(name);
  if (name === "people") loadPeople();
  if (name === "status") loadStatus();
}

// ---- who is this? -------------------------------------------------------------------------
async function identify(blob, label) {
  alertBox(null);
  $("who-result").hidden = true;
  $("who-busy").hidden = false;
  const form = new FormData();
  form.append("photo", blob, label || "photo.jpg");
  try {
    const report = await api("/search", { method: "POST", body: form });
    await showFaces(blob, report);
  } catch (e) {
    alertBox(e.message);
  } finally {
    $("who-busy").hidden = true;
  }
}

function showFaces(blob, report) {
  return new Promise((resolve) => {
    const img = $("who-img");
    const stage = $("who-stage");
    for (const b of stage.querySelectorAll(".box")) b.remove();
    $("who-faces").replaceChildren();
    img.onload = () => {
      const w = img.naturalWidth, h = img.naturalHeight;
      // Left to right, as people read the photo.
      const faces = (report.faces || []).slice().sort((a, b) => a.face.box.x - b.face.box.x);
      faces.forEach((f, i) => {
        const box = f.face.box;
        const best = (f.matches || [])[0];
        const known = !!best;
        const name = known ? (best.person ? best.person.name : "face " + best.face_id.slice(0, 8)) : "unknown";
        const div = el("div", { class: "box" + (known ? "" : " unknown"), "data-name": name, "data-testid": "face-box" },
          el("span", { class: "label", text: known ? `${name} · ${pct(best.similarity)}` : "unknown" }));
        div.style.left = (100 * box.x / w) + "%";
        div.style.top = (100 * box.y / h) + "%";
        div.style.width = (100 * box.width / w) + "%";
        div.style.height = (100 * box.height / h) + "%";
        stage.append(div);
        const li = el("li", { "data-testid": "face-row" },
          el("span", { class: "name", text: known ? name : "Unknown person" }),
          " ",
          el("span", { class: "muted", text: known ? `similarity ${pct(best.similarity)}` : `no enrolled person reaches ${report.threshold}%` }));
        if (f.runner_up) {
          const r = f.runner_up;
          li.append(el("div", { class: "muted", text: `close call: ${(r.person && r.person.name) || r.face_id} at ${pct(r.similarity)}` }));
        }
        $("who-faces").append(li);
      });
      if (!faces.length) $("who-faces").append(el("li", { text: "No face found in this photo." }));
      $("who-result").hidden = false;
      resolve();
    };
    img.onerror = () => {
      alertBox("The photo was searched, but this browser cannot display it.");
      resolve();
    };
    if (img.src) URL.revokeObjectURL(img.src);
    img.src = URL.createObjectURL(blob);
  });
}

function setupWho() {
  const drop = $("who-drop");
  $("who-file").addEventListener("change", (e) => {
    const f = e.target.files[0];
    if (f) identify(f, f.name);
    e.target.value = "";
  });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const f = e.dataTransfer.files[0];
    if (f) identify(f, f.name);
  });
  let stream = null;
  const stop = () => { if (stream) stream.getTracks().forEach((t) => t.stop()); stream = null; $("camera").hidden = true; };
  $("who-camera").addEventListener("click", async () => {
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      alertBox("This browser gives no camera here (cameras need https or localhost).");
      return;
    }
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "user" } });
      $("camera-video").srcObject = stream;
      $("camera").hidden = false;
    } catch (e) {
      alertBox("The camera could not be opened: " + e.message);
    }
  });
  $("camera-close").addEventListener("click", stop);
  $("camera-shoot").addEventListener("click", () => {
    const v = $("camera-video");
    const c = document.createElement("canvas");
    c.width = v.videoWidth; c.height = v.videoHeight;
    c.getContext("2d").drawImage(v, 0, 0);
    stop();
    c.toBlob((b) => b && identify(b, "camera.jpg"), "image/jpeg", 0.92);
  });
}

// ---- register -------------------------------------------------------------------------------
function setupRegister() {
  $("reg-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    alertBox(null);
    const name = $("reg-name").value.trim();
    const files = [...$("reg-files").files];
    if (!name || !files.length) { alertBox("Give a name and at least one photo."); return; }
    const form = new FormData();
    form.append("name", name);
    for (const f of files) form.append("photo", f, f.name);
    $("reg-submit").disabled = true;
    $("reg-busy").hidden = false;
    $("reg-result").hidden = true;
    try {
      const r = await api("/persons", { method: "POST", body: form });
      alertBox(`${r.person.name} is registered: ${r.faces_indexed} new face(s) from ${files.length} photo(s).`, true);
      showFiles(r);
      $("reg-form").reset();
    } catch (e) {
      alertBox(e.message);
    } finally {
      $("reg-submit").disabled = false;
      $("reg-busy").hidden = true;
    }
  });
}

function showFiles(report) {
  const box = $("reg-result");
  const list = el("ul", { class: "files" });
  for (const f of report.files || []) {
    const file = String(f.path).replace(/^upload:/, "");
    list.append(el("li", { text: `${file}: ${f.status.replace("_", " ")}${f.reason ? " (" + f.reason + ")" : ""}` }));
  }
  const kids = [list];
  for (const d of report.likely_duplicates || []) {
    kids.push(el("p", { class: "muted", text: `Note: ${String(d.path).replace(/^upload:/, "")} also looks like ${d.other.name} (${pct(d.similarity)}).` }));
  }
  box.replaceChildren(...kids);
  box.hidden = false;
}

// ---- people ---------------------------------------------------------------------------------
let people = [];

async function loadPeople() {
  try {
    const r = await api("/persons");
    people = r.persons || [];
    renderPeople();
  } catch (e) {
    alertBox(e.message);
  }
}

function renderPeople() {
  const q = $("people-filter").value.trim().toLowerCase();
  const shown = people.filter((p) => !q || p.name.toLowerCase().includes(q));
  $("people-count").textContent = `(${people.length})`;
  $("people-empty").hidden = people.length > 0;
  $("people-grid").replaceChildren(...shown.map(card));
}

function card(p) {
  const ids = p.face_ids || [];
  const main = el("img", { alt: p.name, loading: "lazy" });
  if (ids.length) main.src = `/api/v1/faces/${encodeURIComponent(ids[0])}/thumbnail?size=240`;
  const thumbs = el("div", { class: "thumbs" });
  for (const id of ids.slice(1, 6)) thumbs.append(el("img", { alt: "", loading: "lazy", src: `/api/v1/faces/${encodeURIComponent(id)}/thumbnail?size=72` }));
  const del = el("button", { class: "secondary", type: "button", text: "Delete…", onclick: () => confirmDelete(p) });
  return el("div", { class: "card", "data-person": p.person_id, "data-testid": "person-card" },
    main,
    el("div", { class: "name", text: p.name }),
    el("div", { class: "muted", text: `${p.faces} face(s) · ${p.images} photo(s)` }),
    thumbs,
    el("div", {}, del));
}

function confirmDelete(p) {
  const dlg = $("confirm");
  $("confirm-text").textContent = `Delete ${p.name}? Their ${p.faces} face(s) and stored photos are removed. This cannot be undone.`;
  dlg.onclose = async () => {
    if (dlg.returnValue !== "ok") return;
    try {
      const r = await api(`/persons/${encodeURIComponent(p.person_id)}`, { method: "DELETE" });
      alertBox(`${p.name} was deleted (${r.face_ids.length} face(s), ${r.objects_deleted} photo(s)).`, true);
      loadPeople();
    } catch (e) {
      alertBox(e.message);
    }
  };
  dlg.returnValue = "";
  dlg.showModal();
}

// ---- status ---------------------------------------------------------------------------------
async function loadStatus() {
  try {
    const s = await api("/status");
    const rows = [
      ["Backend", s.backend],
      ["Collection", `${s.collection.name} (${s.collection.faces} faces)`],
      ["Face model", s.collection.model || "-"],
      ["Person table", s.table],
      ["Image store", s.image_store],
      ["People", s.persons],
      ["Face records", s.face_records],
      ["Photos", Object.entries(s.images_by_status).map(([k, v]) => `${v} ${k.replace("_", " ")}`).join(", ")],
      ["Stored", `${s.store.objects} objects, ${(s.store.bytes / 1e6).toFixed(1)} MB`],
    ];
    $("status-list").replaceChildren(...rows.flatMap(([k, v]) => [el("dt", { text: k }), el("dd", { text: String(v) })]));
  } catch (e) {
    alertBox(e.message);
  }
}

// ---- start ----------------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", () => {
  setupWho();
  setupRegister();
  $("people-filter").addEventListener("input", renderPeople);
  $("login-form").addEventListener("submit", (e) => {
    e.preventDefault();
    location.href = "/console/?token=" + encodeURIComponent($("login-token").value.trim());
  });
  window.addEventListener("hashchange", route);
  route();
  api("/health").then((h) => { $("backend").textContent = `${h.backend} backend`; }).catch(() => {});
});
