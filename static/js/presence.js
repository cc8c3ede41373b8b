// The visit form's optional location: the browser's geolocation, asked only when the person
// taps the button, rounded to the six places the server keeps (about 0.1 m).
(function () {
  "use strict";
  var script = document.currentScript;
  var button = document.querySelector("[data-geolocate]");
  var status = document.querySelector("[data-geolocate-status]");
  if (!button || !status) return;
  if (!("geolocation" in navigator)) {
    button.disabled = true;
    return;
  }
  button.addEventListener("click", function () {
    status.textContent = script.dataset.locating;
    navigator.geolocation.getCurrentPosition(
      function (position) {
        var lat = position.coords.latitude.toFixed(6);
        var lng = position.coords.longitude.toFixed(6);
        document.getElementById("id_latitude").value = lat;
        document.getElementById("id_longitude").value = lng;
        status.textContent = lat + ", " + lng;
      },
      function () {
        status.textContent = script.dataset.failed;
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
