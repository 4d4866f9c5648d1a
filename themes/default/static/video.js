// Video components (#20): a click on a video's link swaps in the provider's player
// (youtube-nocookie.com, or player.vimeo.com with dnt=1). Until the reader clicks, the page
// makes no request to the provider; without JavaScript the link opens the video on its site.
// No inline handlers: the page's Content-Security-Policy may forbid them.
(function () {
  "use strict";
  var PLAYER = /^https:\/\/(www\.youtube-nocookie\.com\/embed\/|player\.vimeo\.com\/video\/)/;
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey ||
        event.shiftKey || event.altKey || !event.target.closest) {
      return;
    }
    var link = event.target.closest(".component-video .video-link");
    var figure = link && link.closest(".component-video");
    var embed = figure && figure.getAttribute("data-video-embed");
    if (!embed || !PLAYER.test(embed)) {
      return;
    }
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = embed;
    frame.title = link.getAttribute("data-video-title") || "";
    frame.allow = "autoplay; encrypted-media; fullscreen; picture-in-picture";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.className = "video-frame";
    var player = document.createElement("div");
    player.className = "video-player";
    player.appendChild(frame);
    link.replaceWith(player);
    frame.focus();
  });
})();
