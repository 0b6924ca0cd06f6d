// Network view: Cytoscape.js graph of one network; colour = role, size = disruption rank,
// click expands a node (GET /api/graph?focus=), the sliders hide ties outside a time window,
// a traced chain (GET /api/trace) is highlighted, and the view exports as PNG.
(function () {
  const box = document.getElementById("cy");
  if (!box || typeof cytoscape === "undefined") return;
  const COLOURS = {
    coordinator: "#8e44ad", recruiter: "#d35400", fraudulent_recruiter: "#e67e22", guide: "#16a085",
    driver: "#2980b9", stash_keeper: "#c0392b", lookout: "#7f8c8d", forger: "#f39c12",
    money_collector: "#27ae60", courier: "#2c3e50", distributor: "#9b59b6", importer: "#e74c3c",
    launderer: "#1abc9c", lab_operator: "#34495e", migrant: "#bdc3c7", victim: "#f5b7b1",
    phone_unknown_user: "#95a5a6",
  };
  const colour = (role) => COLOURS[role] || "#aab4c3";
  const size = (rank) => (rank ? Math.max(18, 60 - 4 * (rank - 1)) : 14);
  const cy = cytoscape({
    container: box,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "background-color": (n) => colour(n.data("role")), width: (n) => size(n.data("rank")), height: (n) => size(n.data("rank")), label: "data(short)", "font-size": 9, color: "#333" } },
      { selector: "node[?coerced]", style: { "border-width": 3, "border-color": "#e6b800" } },
      { selector: "edge", style: { width: (e) => Math.min(1 + Math.log2(1 + e.data("n_links")), 6), "line-color": "#c9d1dc", "curve-style": "haystack", opacity: 0.8 } },
      { selector: "edge[?criminal]", style: { "line-color": "#e08e8e" } },
      { selector: ".hidden", style: { display: "none" } },
      { selector: ".chain", style: { "border-width": 4, "border-color": "#ff2d55" } },
      { selector: "edge.chain", style: { "line-color": "#ff2d55", width: 4 } },
      { selector: ".faded", style: { opacity: 0.15 } },
    ],
  });
  window.eslabonCy = cy;  // for tests and the console
  const add = (data) => {
    const els = [];
    for (const n of data.nodes) if (!cy.getElementById(n.id).length)
      els.push({ group: "nodes", data: { ...n, short: (n.label || n.id).split(" ").slice(0, 2).join(" ") } });
    for (const e of data.edges) if (!cy.getElementById(e.id).length)
      els.push({ group: "edges", data: e });
    cy.add(els);
    return els.length;
  };
  let lo = null, hi = null;
  const day = (s) => Date.parse(s.slice(0, 10)) / 86400000;
  function bounds() {
    const all = [];
    cy.edges().forEach((e) => (e.data("times") || []).forEach((t) => all.push(day(t))));
    return all.length ? [Math.min(...all), Math.max(...all)] : [0, 1];
  }
  function applyWindow() {
    const [a, b] = bounds();
    const from = a + (b - a) * document.getElementById("t-from").value / 1000;
    const to = a + (b - a) * document.getElementById("t-to").value / 1000;
    lo = from; hi = to;
    const fmt = (d) => new Date(d * 86400000).toISOString().slice(0, 10);
    document.getElementById("t-from-label").textContent = fmt(from);
    document.getElementById("t-to-label").textContent = fmt(to);
    cy.batch(() => {
      cy.edges().forEach((e) => {
        const times = (e.data("times") || []).map(day);
        const inside = !times.length || times.some((t) => t >= from && t <= to);
        e.toggleClass("hidden", !inside);
      });
      cy.nodes().forEach((n) => {
        const visible = n.connectedEdges().some((e) => !e.hasClass("hidden")) || n.hasClass("chain") || n.connectedEdges().length === 0;
        n.toggleClass("hidden", !visible);
      });
    });
    // counted from the classes just set, not from the rendered style (which may lag a frame)
    const nodes = cy.nodes().filter((n) => !n.hasClass("hidden"));
    const edges = cy.edges().filter((e) => !e.hasClass("hidden") && !e.source().hasClass("hidden") && !e.target().hasClass("hidden"));
    document.getElementById("graph-count").textContent = box.dataset.labelCount
      .replace("{n}", nodes.length).replace("{e}", edges.length);
    box.dataset.visibleEdges = String(edges.length);
  }
  const layout = () => cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 6000, idealEdgeLength: 60, numIter: 600 }).run();
  async function load() {
    const params = new URLSearchParams();
    if (box.dataset.network) params.set("network", box.dataset.network);
    else if (box.dataset.focus) params.set("focus", box.dataset.focus);
    const res = await fetch("/api/graph?" + params);
    if (!res.ok) { box.textContent = (await res.json()).detail; return; }
    add(await res.json());
    if (box.dataset.focus && box.dataset.network) {
      const res2 = await fetch("/api/graph?" + new URLSearchParams({ focus: box.dataset.focus }));
      if (res2.ok) add(await res2.json());
    }
    layout();
    applyWindow();
    if (box.dataset.focus) cy.getElementById(box.dataset.focus).select();
    if (box.dataset.trace) await highlight(box.dataset.trace);
    box.dataset.ready = "1";
    legend();
  }
  async function highlight(seed) {
    const res = await fetch("/api/trace?" + new URLSearchParams({ seed }));
    if (!res.ok) return;
    const trace = await res.json();
    const ids = new Set(trace.actors.map((a) => a.entity_id));
    cy.elements().removeClass("chain");
    cy.nodes().forEach((n) => { if (ids.has(n.id())) n.addClass("chain"); });
    cy.edges().forEach((e) => { if (ids.has(e.data("source")) && ids.has(e.data("target"))) e.addClass("chain"); });
    box.dataset.chain = String(cy.nodes(".chain").length);
  }
  cy.on("tap", "node", async (ev) => {
    const id = ev.target.id();
    const res = await fetch("/api/graph?" + new URLSearchParams({ focus: id }));
    if (!res.ok) return;
    const added = add(await res.json());
    if (added) { layout(); applyWindow(); }
    box.dataset.expanded = id;
  });
  cy.on("dbltap", "node", (ev) => location.assign("/entities/" + encodeURIComponent(ev.target.id())));
  document.getElementById("t-from").addEventListener("input", applyWindow);
  document.getElementById("t-to").addEventListener("input", applyWindow);
  document.getElementById("export-png").addEventListener("click", () => {
    const a = document.createElement("a");
    a.href = cy.png({ full: true, scale: 2, bg: "#ffffff" });
    a.download = "eslabon-network-" + (box.dataset.network || box.dataset.focus || "view") + ".png";
    document.body.appendChild(a); a.click(); a.remove();
  });
  function legend() {
    const roles = new Set(cy.nodes().map((n) => n.data("role")).filter(Boolean));
    document.getElementById("legend").innerHTML = Array.from(roles).sort()
      .map((r) => `<span><i style="background:${colour(r)}"></i>${r.replaceAll("_", " ")}</span>`).join("");
  }
  load();
})();
