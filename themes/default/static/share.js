/* pressroom share actions (partials/share.html): the share links and the permalink field work
 * without JavaScript; this reveals the two buttons that need a script. "Copy link" writes the
 * permalink with the clipboard API (secure pages only) and says so in the status line; "Print /
 * save as PDF" opens the browser's print dialog, where print.css lays the page out. Nothing is
 * loaded from anywhere else. */
(function () {
  "use strict";
  var share = document.querySelector(".share");
  if (!share) return;
  var field = share.querySelector("#share-permalink");
  var copy = share.querySelector(".copy-link");
  var status = share.querySelector(".copy-status");
  if (copy && field && navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(field.value).then(function () {
        if (status) status.textContent = copy.getAttribute("data-copied");
      }, function () {
        field.select();
      });
    });
  }
  if (field) {
    field.addEventListener("focus", function () { field.select(); });
  }
  var print = share.querySelector(".print-page");
  if (print && typeof window.print === "function") {
    print.hidden = false;
    print.addEventListener("click", function () { window.print(); });
  }
})();
