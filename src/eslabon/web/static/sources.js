// Ingest progress: poll the job until it is done, then reload the counts.
(function () {
  const box = document.getElementById("job");
  if (!box) return;
  const bar = document.getElementById("job-progress");
  const status = document.getElementById("job-status");
  const poll = async () => {
    const res = await fetch("/api/jobs/" + encodeURIComponent(box.dataset.job));
    if (!res.ok) { status.textContent = res.statusText; return; }
    const job = await res.json();
    status.textContent = job.status + (job.message ? " · " + job.message : "") + (job.error ? " · " + job.error : "");
    if (job.total) { bar.max = job.total; bar.value = job.done; }
    if (job.status === "done") { bar.max = 1; bar.value = 1; box.dataset.finished = "1"; setTimeout(() => location.assign("/sources"), 800); }
    else if (job.status === "failed") { box.dataset.finished = "1"; bar.remove(); }
    else setTimeout(poll, 500);
  };
  poll();
})();
