// The public registration form: the township list follows the chosen county, loaded from
// /public/townships/. Without this script the button "加载所选县(市、区)的乡镇(街道)" posts the
// form back and the page returns with the county's townships (assistance.views.public_register).
(function () {
  "use strict";

  function option(value, text) {
    var o = document.createElement("option");
    o.value = value;
    o.textContent = text;
    return o;
  }

  function setOptions(select, first, rows) {
    while (select.firstChild) select.removeChild(select.firstChild);
    select.appendChild(option("", first));
    rows.forEach(function (r) { select.appendChild(option(r.code, r.name)); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-townships-url]");
    if (!form || !window.fetch) return;
    var county = form.querySelector("select[name=county]");
    var street = form.querySelector("select[name=street]");
    var box = form.querySelector("[data-testid=street-field]");
    var reload = form.querySelector("[data-testid=street-reload]");
    var hint = form.querySelector("[data-testid=street-hint]");
    if (!county || !street || !box) return;
    if (reload) reload.hidden = true;
    var asked = 0;

    function load() {
      var code = county.value;
      var ticket = ++asked;
      if (hint) hint.textContent = "";
      if (!code) {
        setOptions(street, box.dataset.chooseCounty, []);
        return;
      }
      setOptions(street, box.dataset.loading, []);
      street.disabled = true;
      var url = form.dataset.townshipsUrl + "?county=" + encodeURIComponent(code);
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) {
          if (!r.ok) throw new Error(String(r.status));
          return r.json();
        })
        .then(function (data) {
          if (ticket !== asked) return; // a later choice is being loaded
          var rows = data.townships || [];
          setOptions(street, rows.length ? box.dataset.placeholder : box.dataset.none, rows);
          if (hint) hint.textContent = rows.length ? "" : box.dataset.noneHint;
          street.disabled = false;
          form.dataset.townshipsLoaded = code;
        })
        .catch(function () {
          if (ticket !== asked) return;
          street.disabled = false;
          if (reload) reload.hidden = false; // fall back to the server's reload step
        });
    }

    county.addEventListener("change", load);
    // A county chosen before the script ran (the browser kept it) without its list: load it.
    if (county.value && street.options.length <= 1) load();
  });
})();
