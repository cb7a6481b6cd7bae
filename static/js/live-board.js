// Issue 15 (perf-pages), live board: the board's results poll with the ETag of what they
// show (If-None-Match). An unchanged board answers 304 without a body: keep the rows that
// are shown instead of swapping in nothing.
document.addEventListener("htmx:beforeSwap", function (event) {
  if (event.detail.xhr && event.detail.xhr.status === 304) {
    event.detail.shouldSwap = false;
  }
});
