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
    add("confirm", "1");
    if (button.name) add(button.name, button.value);  // form.submit() sends no submitter
    dialog.close();
    form.submit();
  });
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  document.body.appendChild(dialog);
  dialog.showModal();
}
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  if (button && button.dataset.confirm) { event.preventDefault(); confirmAction(event.target, button); }
});
