// The parts of Bootstrap's JavaScript the pages use: dropdowns (the menus, Download on Reports), the offcanvas (the
// phone's More sheet) and the modal (a new restaurant from the meal form). scripts/build-assets.sh bundles them with
// Popper, which the dropdowns need, into static/vendor/bootstrap/bootstrap.parts.min.js as the global `bootstrap`;
// each part registers its data-bs-* attributes when loaded. Another component: import it here and run make assets.
import Dropdown from "bootstrap/js/src/dropdown.js";
import Modal from "bootstrap/js/src/modal.js";
import Offcanvas from "bootstrap/js/src/offcanvas.js";

export { Dropdown, Modal, Offcanvas };
