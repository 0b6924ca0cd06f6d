// Review queue: keyboard shortcuts, one-click and bulk decisions (POST /api/review/decisions).
(function () {
  const pairs = () => Array.from(document.querySelectorAll("section.pair"));
  let current = 0;
  function focus(i) {
    const all = pairs();
    if (!all.length) return;
    current = Math.max(0, Math.min(i, all.length - 1));
    all[current].focus();
  }
  async function decide(section, verdict) {
    const [a, b] = section.dataset.pair.split("|");
    const res = await fetch("/api/review/decisions", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ decisions: [{ a, b, verdict }] }),
    });
    if (!res.ok) {
      const body = await res.json().catch(() => ({ detail: res.statusText }));
      alert(body.detail || res.statusText);
      return;
    }
    section.remove();
    let done = document.getElementById("decided");
    if (!done) {
      done = document.createElement("p");
      done.id = "decided"; done.className = "ok"; done.dataset.n = "0";
      document.querySelector("main h1").after(done);
    }
    done.dataset.n = String(Number(done.dataset.n || 0) + 1);
    done.textContent = "✓ " + done.dataset.n + " · " + verdict;
    if (!pairs().length) location.reload(); else focus(current);
  }
  document.addEventListener("click", (ev) => {
    const btn = ev.target.closest("button.decide");
    if (btn) decide(btn.closest("section.pair"), btn.dataset.verdict);
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.target.matches("input[type=text], input:not([type]), textarea")) return;
    const all = pairs();
    const section = all[current];
    const bulk = { S: "same", D: "different", U: "unsure" }[ev.key];
    if (bulk) {
      const btn = document.querySelector(".bulk-" + bulk);
      if (btn && !btn.disabled && document.querySelector("input[name=pair]:checked")) btn.click();
      return;
    }
    if (ev.key === "j") focus(current + 1);
    else if (ev.key === "k") focus(current - 1);
    else if (ev.key === "x" && section) {
      const box = section.querySelector("input[type=checkbox]");
      box.checked = !box.checked;
    } else if (section && { s: 1, d: 1, u: 1 }[ev.key]) {
      const verdict = { s: "same", d: "different", u: "unsure" }[ev.key];
      const btn = section.querySelector(".decide-" + verdict);
      if (btn && !btn.disabled) decide(section, verdict);
    }
  });
  document.addEventListener("focusin", (ev) => {
    const s = ev.target.closest && ev.target.closest("section.pair");
    if (s) current = pairs().indexOf(s);
  });
  // Waterfalls still being computed: poll, then reload unless the analyst is selecting.
  if (document.querySelector('meta[name="eslabon-pending"]')) {
    const poll = async () => {
      const res = await fetch("/api/review");
      const body = res.ok ? await res.json() : { pending_explanations: true };
      if (!body.pending_explanations && !document.querySelector("input[name=pair]:checked")) location.reload();
      else setTimeout(poll, 2000);
    };
    setTimeout(poll, 2000);
  }
  focus(0);
})();
