// Field forms that survive no signal (issue 21), on every page of a signed-in user:
// - registers the service worker (/sw.js, templates/offline/sw.js) and tells it which pages are
//   field forms to keep for offline use (this page if it holds one, and those of /field/data/);
// - a field form (form[data-field-form], or any form with a hidden submission_key) is sent by
//   fetch with X-Cunjian-Sync: without signal, or when the request fails on the network, what
//   was typed is kept in IndexedDB (idb-keyval) under the form's submission key;
// - the queue is sent by itself on load and when the signal returns (and by 立即同步 on
//   /field/queue/), each answer shown: synced, to correct, conflict, sign-in needed;
// - the count 待同步 in the navigation; the queue's page lists, edits and deletes the items;
// - signing out clears the kept pages and this user's queue (after asking if some are unsent).
// The words come from the script tag's data- attributes (templates/base.html, translated).
(function () {
  "use strict";
  const script = document.currentScript;
  if (!script || !window.idbKeyval || !window.indexedDB) return;
  const T = script.dataset;
  const USER = T.user;
  const store = idbKeyval.createStore("cunjian-offline", "queue");
  const PAGE_CACHES = ["cunjian-pages", "cunjian-data"];
  const EDIT = "#offline-edit=";
  const DATA_EVERY_MS = 10 * 60 * 1000;
  let syncing = false;

  // ------------------------------------------------------------------ small helpers
  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "class") node.className = v;
      else if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    });
    children.forEach((c) => c && node.append(c));
    return node;
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID(); // secure contexts only
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  function cookie(name) {
    const found = document.cookie.split("; ").find((c) => c.startsWith(name + "="));
    return found ? decodeURIComponent(found.slice(name.length + 1)) : "";
  }

  function when(iso) {
    try { return new Date(iso).toLocaleString(document.documentElement.lang || undefined); }
    catch (e) { return iso; }
  }

  // An alert at the top of the page (the messages framework's box), newest first.
  function notice(kind, ...parts) {
    const box = document.getElementById("messages");
    if (!box) return null;
    const alert = el("div", { class: `alert alert-${kind} alert-dismissible`, role: "alert", "data-testid": "offline-notice" }, ...parts);
    alert.append(el("button", { type: "button", class: "btn-close", "data-bs-dismiss": "alert", "aria-label": "×" }));
    box.prepend(alert);
    alert.scrollIntoView({ block: "nearest" });
    return alert;
  }

  function link(href, text) { return el("a", { href, class: "alert-link ms-1", text }); }

  function loginNotice(url, passwordChange) {
    if (passwordChange) {
      // an account made with a generated password changes it before anything else is saved
      if (document.querySelector("[data-testid=password-needed]")) return;
      const alert = notice("warning", T.passwordNeeded, link(passwordChange, T.changePassword));
      if (alert) alert.setAttribute("data-testid", "password-needed");
      return;
    }
    const login = `${url || T.login}?next=${encodeURIComponent(location.pathname + location.search)}`;
    if (document.querySelector("[data-testid=login-needed]")) return;
    const alert = notice("warning", T.loginNeeded, link(login, T.logIn));
    if (alert) alert.setAttribute("data-testid", "login-needed");
  }

  // ------------------------------------------------------------------ the queue (IndexedDB)
  async function mine() {
    const items = await idbKeyval.values(store);
    return items.filter((i) => i && i.user === USER).sort((a, b) => (a.time < b.time ? -1 : 1));
  }

  async function updateBadge() {
    const n = (await mine()).length;
    document.querySelectorAll("[data-offline-nav]").forEach((a) => a.classList.toggle("d-none", !n));
    document.querySelectorAll("[data-offline-count]").forEach((s) => { s.textContent = String(n); });
    return n;
  }

  // ------------------------------------------------------------------ the service worker
  function worker() {
    if (!("serviceWorker" in navigator)) return Promise.resolve(null);
    return navigator.serviceWorker.ready.then((r) => r.active).catch(() => null);
  }

  // Resolves true once the worker has done what it was told (false: no worker, or no answer).
  async function tellWorker(message) {
    const active = await worker();
    if (!active) return false;
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => resolve(true);
      active.postMessage(message, [channel.port2]);
      setTimeout(() => resolve(false), 20000);
    });
  }

  // The URLs of the field forms in /field/data/'s answer: strings under a key naming a URL or
  // inside its "forms".
  function fieldUrls(data, parentKey) {
    const urls = [];
    const walk = (value, key, parent) => {
      if (typeof value === "string") {
        if (value.startsWith("/") && !value.startsWith("//") && (/url/i.test(key) || /form|url/i.test(parent))) urls.push(value);
      } else if (Array.isArray(value)) {
        value.forEach((v) => walk(v, key, parent));
      } else if (value && typeof value === "object") {
        Object.entries(value).forEach(([k, v]) => walk(v, k, key || parent));
      }
    };
    walk(data, "", parentKey || "");
    return [...new Set(urls)];
  }

  // GET /field/data/: a fresh CSRF token, and the field forms to keep for offline use.
  async function fieldData() {
    let response;
    try {
      response = await fetch(T.fieldData, { credentials: "same-origin", headers: { Accept: "application/json", "X-Cunjian-Sync": "1" } });
    } catch (e) { return { network: true }; }
    if (response.status === 401 || response.status === 403 || response.redirected) {
      let refusal = {};
      try { refusal = await response.json(); } catch (e) { refusal = {}; }
      return { login: true, passwordChange: refusal.password_change };
    }
    if (!response.ok) return {};
    let data = {};
    try { data = await response.json(); } catch (e) { return {}; }
    // noted as done once the worker has them (a page left at once would lose the message)
    tellWorker({ type: "keep", urls: fieldUrls(data).concat([T.queue]) }).then((kept) => {
      if (kept) localStorage.setItem(`cunjian-field-data-${USER}`, String(Date.now()));
    });
    return data;
  }

  // A fresh CSRF token ("" when signed out: `login` is then set).
  async function freshToken() {
    const data = await fieldData();
    if (data.login) return { token: "", login: true, passwordChange: data.passwordChange };
    return { token: data.csrf_token || data.csrfToken || data.csrf || cookie(T.csrfCookie) };
  }

  // ------------------------------------------------------------------ reading and filling forms
  function isFieldForm(form) {
    return form instanceof HTMLFormElement && (form.getAttribute("method") || "").toLowerCase() === "post" &&
      (form.hasAttribute("data-field-form") || form.hasAttribute("data-offline-form") ||
        !!form.querySelector("input[name=submission_key]"));
  }

  function keyInput(form) {
    let input = form.querySelector("input[name=submission_key]");
    if (!input) {
      input = el("input", { type: "hidden", name: "submission_key" });
      form.append(input);
    }
    if (!input.value) input.value = newKey();
    return input;
  }

  function labelOf(control) {
    if (control.type === "radio" || control.type === "checkbox") {
      const box = control.closest("fieldset, .mb-3");
      const legend = box && box.querySelector("legend, .form-label");
      if (legend) return legend.textContent.replace(/\*\s*$/, "").trim();
    }
    const label = control.labels && control.labels[0];
    return label ? label.textContent.replace(/\*\s*$/, "").trim() : control.name;
  }

  // What was typed, as the person sees it (labels and the options' words), to show in the queue.
  function describe(form) {
    const rows = [];
    const byName = {};
    Array.from(form.elements).forEach((c) => {
      if (!c.name || c.disabled || ["hidden", "submit", "button", "reset"].includes(c.type)) return;
      let text = "";
      if (c.type === "radio" || c.type === "checkbox") {
        if (!c.checked) return;
        text = c.labels && c.labels[0] ? c.labels[0].textContent.trim() : c.value;
      } else if (c.tagName === "SELECT") {
        text = Array.from(c.selectedOptions).filter((o) => o.value).map((o) => o.text.trim()).join("、");
      } else if (c.type === "file") {
        text = Array.from(c.files || []).map((f) => f.name).join("、");
      } else {
        text = c.value.trim();
      }
      if (!text) return;
      if (byName[c.name]) { byName[c.name].text += "、" + text; return; }
      byName[c.name] = { name: c.name, label: labelOf(c), text };
      rows.push(byName[c.name]);
    });
    return rows;
  }

  function fields(form, submitter) {
    let data;
    try { data = new FormData(form, submitter); } catch (e) { data = new FormData(form); }
    const out = [];
    for (const [name, value] of data.entries()) {
      if (name === "csrfmiddlewaretoken") continue;
      if (value instanceof File && !value.name && !value.size) continue; // no file chosen
      out.push([name, value]);
    }
    return out;
  }

  function villageOf(form) {
    if (form.dataset.offlineVillage) return form.dataset.offlineVillage;
    const select = form.querySelector("select[name=village]");
    if (select && select.selectedOptions[0] && select.value) return select.selectedOptions[0].text.trim();
    return "";
  }

  function titleOf(form) {
    if (form.dataset.offlineTitle) return form.dataset.offlineTitle;
    const h1 = document.querySelector("main h1");
    return (h1 ? h1.textContent : document.title).trim();
  }

  function clearErrors(form) {
    form.querySelectorAll("[data-offline-error]").forEach((n) => n.remove());
    form.querySelectorAll(".is-invalid[data-offline-invalid]").forEach((n) => {
      n.classList.remove("is-invalid");
      n.removeAttribute("data-offline-invalid");
    });
  }

  // The server's errors (400) beside the fields of the page's form.
  function showErrors(form, errors, formErrors) {
    clearErrors(form);
    const top = [];
    Object.entries(errors || {}).forEach(([name, messages]) => {
      const controls = form.querySelectorAll(`[name="${CSS.escape(name)}"]`);
      const control = controls[controls.length - 1];
      if (!control || control.type === "hidden") { top.push(...messages); return; }
      controls.forEach((c) => { c.classList.add("is-invalid"); c.setAttribute("data-offline-invalid", ""); });
      const holder = control.closest(".mb-3") || control.parentElement;
      messages.forEach((m) => holder.append(el("div", { class: "invalid-feedback d-block", "data-offline-error": "", text: m })));
    });
    const all = (formErrors || []).concat(top);
    if (all.length) {
      form.prepend(el("div", { class: "alert alert-danger", role: "alert", "data-offline-error": "" }, ...all.map((m) => el("div", { text: m }))));
    }
  }

  // Reopen a kept item in its form: the same key, so sending it again cannot make two records.
  function fill(form, item) {
    const values = {};
    item.fields.forEach(([n, v]) => { (values[n] = values[n] || []).push(v); });
    // rows added on the phone (a hearing's questions): add as many before filling them
    form.querySelectorAll("[data-formset-add]").forEach((button) => {
      const total = form.querySelector(`#id_${button.dataset.formsetAdd}-TOTAL_FORMS`);
      const wanted = parseInt((values[`${button.dataset.formsetAdd}-TOTAL_FORMS`] || ["0"])[0], 10);
      for (let i = 0; total && parseInt(total.value, 10) < wanted && i < 200; i++) button.click();
    });
    Array.from(form.elements).forEach((c) => {
      if (!c.name || c.name === "csrfmiddlewaretoken" || ["submit", "button", "reset"].includes(c.type)) return;
      const vals = values[c.name] || [];
      if (c.type === "checkbox" || c.type === "radio") c.checked = vals.includes(c.value);
      else if (c.tagName === "SELECT") Array.from(c.options).forEach((o) => { o.selected = vals.includes(o.value); });
      else if (c.type === "file") {
        const files = new DataTransfer();
        vals.forEach((v) => { if (v instanceof File && v.size) files.items.add(v); });
        c.files = files.files;
      } else if (vals.length) c.value = typeof vals[0] === "string" ? vals[0] : "";
      else if (c.type !== "hidden") c.value = "";
    });
    keyInput(form).value = item.key;
    form.dataset.offlineEditing = item.key;
    if (item.status === "invalid") showErrors(form, item.errors, item.formErrors);
    notice("info", T.editing);
  }

  // ------------------------------------------------------------------ sending
  function post(url, body, token) {
    return fetch(url, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Cunjian-Sync": "1", "X-CSRFToken": token, Accept: "application/json" },
    });
  }

  // The server's answer as one of synced, invalid, conflict, login, csrf, error.
  async function answer(response) {
    let data = null;
    if ((response.headers.get("Content-Type") || "").includes("json")) {
      try { data = await response.json(); } catch (e) { data = null; }
    }
    const loginPath = new URL(T.login, location.href).pathname;
    if (data && data.ok) return { kind: "synced", url: data.url, next: data.next, replayed: !!data.replayed };
    if (response.status === 401 || (data && (data.login || data.password_change)) || (response.redirected && new URL(response.url).pathname === loginPath)) {
      return { kind: "login", login: data && data.login, passwordChange: data && data.password_change };
    }
    if (response.status === 400 && data) return { kind: "invalid", errors: data.errors || {}, formErrors: data.form_errors || [] };
    if (response.status === 409 && data) return { kind: "conflict", conflict: data.conflict, message: data.message || "" };
    if (response.status === 403 && data && data.csrf) return { kind: "csrf" };
    // Anything else (a page instead of JSON: a redirect the server made before the form's
    // view) is not taken for a success: the item stays on the phone and is sent again.
    return { kind: "error", status: response.status };
  }

  // Send one set of fields; a refused CSRF token is refreshed and tried once more.
  async function send(url, entries, token) {
    for (let attempt = 0; attempt < 2; attempt++) {
      const body = new FormData();
      entries.forEach(([n, v]) => body.append(n, v));
      body.set("csrfmiddlewaretoken", token);
      let response;
      try { response = await post(url, body, token); } catch (e) { return { kind: "network" }; }
      const result = await answer(response);
      if (result.kind !== "csrf") return result;
      const fresh = await freshToken();
      if (fresh.login) return { kind: "login", passwordChange: fresh.passwordChange };
      token = fresh.token;
    }
    return { kind: "error", status: 403 };
  }

  // Where the form goes: the button's own address if it has one (保存草稿 of a meeting's page
  // saves a draft where the form's address completes it).
  function target(form, submitter) {
    return submitter && submitter.hasAttribute("formaction") ? submitter.formAction : form.action;
  }

  async function keep(form, submitter) {
    const key = keyInput(form).value;
    const item = {
      key,
      user: USER,
      url: target(form, submitter),
      page: location.pathname + location.search, // where it is edited (a meeting's page)
      fields: fields(form, submitter),
      display: describe(form),
      title: titleOf(form),
      village: villageOf(form),
      time: new Date().toISOString(),
      status: "pending",
    };
    await idbKeyval.set(key, item, store);
    return item;
  }

  function busy(form, on) {
    form.querySelectorAll("button[type=submit], input[type=submit]").forEach((b) => { b.disabled = on; });
  }

  async function keptOnPhone(form, submitter, message) {
    await keep(form, submitter);
    clearErrors(form);
    document.querySelectorAll("[data-testid=saved-offline]").forEach((n) => n.remove()); // one at a time
    notice("success", message || T.saved, link(T.queue, T.seeQueue)).setAttribute("data-testid", "saved-offline");
    delete form.dataset.offlineEditing;
    if (location.hash.startsWith(EDIT)) history.replaceState(null, "", location.pathname + location.search);
    form.reset();
    const input = keyInput(form);
    input.value = newKey();
    await updateBadge();
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (event.defaultPrevented || !isFieldForm(form)) return;
    event.preventDefault();
    const submitter = event.submitter;
    keyInput(form);
    if (!navigator.onLine) { await keptOnPhone(form, submitter); return; }
    busy(form, true);
    try {
      const token = (form.querySelector("[name=csrfmiddlewaretoken]") || {}).value || cookie(T.csrfCookie);
      const result = await send(target(form, submitter), fields(form, submitter), token);
      const editing = form.dataset.offlineEditing;
      if (result.kind === "synced") {
        if (editing) await idbKeyval.del(editing, store);
        location.assign(result.next || result.url);
      } else if (result.kind === "invalid") {
        showErrors(form, result.errors, result.formErrors);
        if (editing) {
          const item = await idbKeyval.get(editing, store);
          if (item) await idbKeyval.set(editing, Object.assign(item, { status: "invalid", errors: result.errors, formErrors: result.formErrors }), store);
        }
      } else if (result.kind === "conflict") {
        notice("danger", result.message).setAttribute("data-testid", "conflict-notice");
      } else if (result.kind === "login") {
        await keptOnPhone(form, submitter);
        loginNotice(result.login, result.passwordChange);
      } else if (result.kind === "network") {
        await keptOnPhone(form, submitter);
      } else {
        await keptOnPhone(form, submitter, T.failed);
      }
    } finally {
      busy(form, false);
    }
  });

  // ------------------------------------------------------------------ syncing the queue
  async function syncAll(manual) {
    if (syncing) return;
    const waiting = (await mine()).filter((i) => ["pending", "login", "error"].includes(i.status));
    if (!waiting.length) { if (manual) renderQueue(); return; }
    if (!navigator.onLine) { if (manual) notice("warning", T.noSignal); return; }
    syncing = true;
    const status = document.querySelector("[data-offline-results]");
    if (status) status.replaceChildren(el("p", { class: "text-secondary", text: T.syncing }));
    const synced = [];
    let attention = 0;
    try {
      let token = cookie(T.csrfCookie);
      if (!token) {
        const fresh = await freshToken();
        if (fresh.login) { loginNotice(null, fresh.passwordChange); return; }
        token = fresh.token;
      }
      for (const item of waiting) {
        const result = await send(item.url, item.fields, token);
        if (result.kind === "network") { if (manual) notice("warning", T.noSignal); break; }
        if (result.kind === "login") {
          await idbKeyval.set(item.key, Object.assign(item, { status: "login" }), store);
          loginNotice(result.login, result.passwordChange);
          break;
        }
        if (result.kind === "synced") {
          await idbKeyval.del(item.key, store);
          synced.push(Object.assign({}, item, { recordUrl: result.url }));
          continue;
        }
        attention++;
        if (result.kind === "invalid") Object.assign(item, { status: "invalid", errors: result.errors, formErrors: result.formErrors });
        else if (result.kind === "conflict") Object.assign(item, { status: "conflict", conflict: result.conflict, message: result.message });
        else Object.assign(item, { status: "error", httpStatus: result.status });
        await idbKeyval.set(item.key, item, store);
      }
    } finally {
      syncing = false;
    }
    showResults(synced, attention);
    await updateBadge();
    renderQueue();
  }

  function showResults(synced, attention) {
    const holder = document.querySelector("[data-offline-results]");
    if (holder) holder.replaceChildren();
    if (synced.length) {
      const list = el("ul", { class: "mb-0" }, ...synced.map((i) =>
        el("li", { "data-testid": "synced-item" }, `${i.title}${i.village ? " · " + i.village : ""} `, i.recordUrl ? link(i.recordUrl, T.viewRecord) : null)));
      const box = el("div", { class: "alert alert-success", role: "status", "data-testid": "synced" }, el("strong", { text: T.synced }), list);
      if (holder) holder.append(box); else notice("success", box);
    }
    if (attention && !holder) notice("warning", T.toHandle, link(T.queue, T.seeQueue)).setAttribute("data-testid", "sync-attention");
  }

  // ------------------------------------------------------------------ the queue's page
  const STATUS = {
    pending: ["text-bg-warning", "pending"],
    error: ["text-bg-warning", "pending"],
    login: ["text-bg-secondary", "needLogin"],
    invalid: ["text-bg-danger", "invalid"],
    conflict: ["text-bg-dark", "conflict"],
  };

  async function renderQueue() {
    const list = document.querySelector("[data-offline-queue]");
    if (!list) return;
    const items = await mine();
    document.querySelectorAll("[data-offline-empty]").forEach((p) => p.classList.toggle("d-none", items.length > 0));
    list.replaceChildren(...items.map(card));
  }

  function card(item) {
    const [badgeClass, word] = STATUS[item.status] || STATUS.pending;
    const head = el("div", { class: "card-header d-flex flex-wrap gap-2 align-items-center" },
      el("strong", { text: item.title }),
      item.village ? el("span", { text: item.village }) : null,
      el("span", { class: `badge ${badgeClass} ms-auto`, "data-testid": "queue-status", text: T[word] }));
    const body = el("div", { class: "card-body" });
    body.append(el("div", { class: "small text-secondary mb-2", text: `${T.savedAt} ${when(item.time)}` }));
    if (item.status === "conflict") {
      body.append(el("div", { class: "alert alert-danger", "data-testid": "queue-conflict" }, el("div", { text: item.message }), el("div", { class: "small", text: T.conflictHelp })));
    } else if (item.status === "invalid") {
      body.append(el("div", { class: "alert alert-warning", "data-testid": "queue-invalid" }, el("div", { text: T.invalidHelp }), ...(item.formErrors || []).map((m) => el("div", { text: m }))));
    }
    const typed = el("dl", { class: "row small mb-2", "data-testid": "queue-typed" });
    const errors = item.errors || {};
    const shown = new Set();
    (item.display || []).forEach((row) => {
      shown.add(row.name);
      const dd = el("dd", { class: "col-sm-9 pre-line", text: row.text });
      (errors[row.name] || []).forEach((m) => dd.append(el("div", { class: "text-danger", "data-testid": "queue-error", text: m })));
      typed.append(el("dt", { class: "col-sm-3", text: row.label }), dd);
    });
    Object.entries(errors).forEach(([name, messages]) => {
      if (shown.has(name)) return;
      typed.append(el("dt", { class: "col-sm-3", text: name }), el("dd", { class: "col-sm-9" }, ...messages.map((m) => el("div", { class: "text-danger", "data-testid": "queue-error", text: m }))));
    });
    body.append(el("div", { class: "small fw-semibold", text: T.typed }), typed);
    const actions = el("div", { class: "d-flex gap-2" });
    if (item.status !== "conflict") {
      const url = new URL(item.page || item.url, location.href);
      url.hash = EDIT.slice(1) + encodeURIComponent(item.key);
      actions.append(el("a", { class: "btn btn-sm btn-outline-primary", href: url.href, "data-testid": "queue-edit", text: T.edit }));
    }
    const remove = el("button", { type: "button", class: "btn btn-sm btn-outline-danger", "data-testid": "queue-delete", text: item.status === "conflict" ? T.discard : T.delete });
    remove.addEventListener("click", async () => {
      if (!window.confirm(T.confirmDelete)) return;
      await idbKeyval.del(item.key, store);
      await updateBadge();
      renderQueue();
    });
    actions.append(remove);
    body.append(actions);
    return el("div", { class: "card", "data-testid": "queue-item", "data-key": item.key }, head, body);
  }

  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-offline-sync]")) syncAll(true);
  });

  // ------------------------------------------------------------------ signing out
  async function forgetEverything() {
    const items = await mine();
    await Promise.all(items.map((i) => idbKeyval.del(i.key, store)));
    if (window.caches) await Promise.all(PAGE_CACHES.map((name) => caches.delete(name)));
    await tellWorker({ type: "forget" });
    localStorage.removeItem(`cunjian-field-data-${USER}`);
    sessionStorage.clear();
  }

  document.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-offline-logout")) return;
    if (form.dataset.offlineCleared) return;
    event.preventDefault();
    const n = (await mine()).length;
    if (n && !window.confirm(T.confirmLogout.replace("{n}", String(n)))) return;
    await forgetEverything();
    form.dataset.offlineCleared = "1";
    form.submit();
  });

  // ------------------------------------------------------------------ on every page
  async function start() {
    // Another person signed in on this phone (the last one's session ran out): the pages kept
    // for the last one are not theirs to see.
    const last = localStorage.getItem("cunjian-offline-user");
    if (last && last !== USER && window.caches) {
      await Promise.all(PAGE_CACHES.map((name) => caches.delete(name)));
      await tellWorker({ type: "forget" });
    }
    localStorage.setItem("cunjian-offline-user", USER);

    await updateBadge();
    const form = Array.from(document.querySelectorAll("form")).find(isFieldForm);
    if (form) keyInput(form);
    if (form && location.hash.startsWith(EDIT)) {
      const item = await idbKeyval.get(decodeURIComponent(location.hash.slice(EDIT.length)), store);
      if (item && item.user === USER) fill(form, item);
    }
    renderQueue();

    if ("serviceWorker" in navigator && window.isSecureContext) {
      try { await navigator.serviceWorker.register(T.worker, { scope: "/" }); } catch (e) { /* no worker: the queue still works */ }
    }
    if (!navigator.onLine) return;
    // This page is a field form (or the queue): keep it for a visit without signal.
    const here = location.pathname + location.search;
    if ((form || document.querySelector("[data-offline-queue]")) && !sessionStorage.getItem(`cunjian-kept:${here}`)) {
      tellWorker({ type: "keep", urls: [here] }).then((kept) => kept && sessionStorage.setItem(`cunjian-kept:${here}`, "1"));
    }
    const fetched = parseInt(localStorage.getItem(`cunjian-field-data-${USER}`) || "0", 10);
    if (Date.now() - fetched > DATA_EVERY_MS) fieldData();
    syncAll(false);
  }

  window.addEventListener("online", () => syncAll(false));
  start();
})();
