// Small behaviours without inline scripts (the CSP allows only files from 'self').
document.addEventListener("change", (event) => {
  const el = event.target;
  if (el.matches("[data-autosubmit]")) el.form.requestSubmit();
});
document.addEventListener("click", (event) => {
  const el = event.target.closest("[data-print]");
  if (el) { event.preventDefault(); window.print(); }
});
// Progress bars take their width from data-progress: the CSP refuses style="" attributes, but a
// script may set element.style. htmx.onLoad runs for the page and for every swapped-in part.
function showProgress(root) {
  root.querySelectorAll("[data-progress]").forEach((el) => { el.style.width = el.dataset.progress + "%"; });
}
if (window.htmx) htmx.onLoad(showProgress); else showProgress(document);
// An irreversible action asks first (core.views.ConfirmMixin): a submit button with
// data-confirm opens a <dialog> with the same text as the server's confirmation page, and its
// 确认 sends the form with confirm=1. Without JavaScript the server's page asks instead.
function confirmAction(form, button) {
  const dialog = document.createElement("dialog");
  dialog.className = "confirm-dialog";
  dialog.setAttribute("data-testid", "confirm-dialog");
  const title = document.createElement("h2");
  title.className = "h5";
  title.textContent = button.dataset.confirmTitle;
  const text = document.createElement("p");
  text.className = "pre-line";
  text.textContent = button.dataset.confirm;
  const ok = document.createElement("button");
  ok.type = "button";
  ok.className = "btn btn-danger";
  ok.textContent = button.dataset.confirmOk;
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "btn btn-outline-secondary ms-2";
  cancel.textContent = button.dataset.confirmCancel;
  dialog.append(title, text, ok, cancel);
  const add = (name, value) => {
    const input = document.createElement("input");
    Object.assign(input, { type: "hidden", name, value });
    form.appendChild(input);
  };
  ok.addEventListener("click", () => {
    dialog.close();
    if (form.matches("[data-field-form]") || form.querySelector("input[name=submission_key]")) {
      // A field form goes through its submit event, where offline.js keeps it on the phone when
      // there is no signal; the data are taken as the event runs, so the flag goes just after.
      const confirmed = document.createElement("input");
      Object.assign(confirmed, { type: "hidden", name: "confirm", value: "1" });
      form.appendChild(confirmed);
      form.dataset.confirmed = "1";
      form.requestSubmit(button);
      delete form.dataset.confirmed;
      confirmed.remove();
      return;
    }
    add("confirm", "1");
    if (button.name) add(button.name, button.value);  // form.submit() sends no submitter
    form.submit();
  });
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
}
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.dataset.confirm && !event.target.dataset.confirmed) {
    event.preventDefault();
    confirmAction(event.target, button);
  }
});
// Lists on a phone: each cell of a .table-cards table carries its column's name, which the CSS
// shows in front of it once the rows become cards (below 576 px). A header cell marked
// data-card="title" makes that column the card's title.
function labelCards(root) {
  root.querySelectorAll("table.table-cards").forEach((table) => {
    const heads = [];
    table.querySelectorAll(":scope > thead > tr:last-child > th").forEach((th) => {
      for (let i = 0; i < (th.colSpan || 1); i++) heads.push(th);
    });
    table.querySelectorAll(":scope > tbody > tr").forEach((tr) => {
      let col = 0;
      Array.from(tr.cells).forEach((td) => {
        const th = heads[col];
        col += td.colSpan || 1;
        if (!th || td.colSpan > 1 || td.hasAttribute("data-label")) return;
        if (th.dataset.card === "title") td.classList.add("card-title");
        const label = th.textContent.trim();
        if (label) td.setAttribute("data-label", label);
      });
    });
  });
}
if (window.htmx) htmx.onLoad(labelCards); else labelCards(document);
// After a POST the page comes back with its message (messages framework) at the top: a phone
// that was taken down to the form (an #anchor in its action) would not see it, so once the page
// has loaded and scrolled (the jump to an #anchor may come just after "load"), bring a message
// that is above the viewport into view.
function messagesInView() {
  const box = document.getElementById("messages");
  if (box && box.children.length && box.getBoundingClientRect().top < 0) {
    box.scrollIntoView({ block: "start" });
  }
}
window.addEventListener("load", () => { messagesInView(); setTimeout(messagesInView, 300); });
// A one-page form with rows to add (a hearing's questions): the button data-formset-add="P"
// appends a copy of <template data-formset-template="P"> to [data-formset-list="P"] and counts
// it in the formset's management form. Without JavaScript, saving the draft offers new rows.
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-formset-add]");
  if (!button) return;
  const prefix = button.dataset.formsetAdd;
  const total = document.getElementById(`id_${prefix}-TOTAL_FORMS`);
  const template = document.querySelector(`template[data-formset-template="${prefix}"]`);
  const list = document.querySelector(`[data-formset-list="${prefix}"]`);
  if (!total || !template || !list) return;
  const index = parseInt(total.value, 10);
  const holder = document.createElement("div");
  holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
  const row = holder.firstElementChild;
  list.appendChild(row);
  total.value = String(index + 1);
  const first = row.querySelector("textarea, input:not([type=hidden]), select");
  if (first) first.focus();
});
