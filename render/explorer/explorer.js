// argmap explorer: one script for the live page (argmap serve) and the static one
// (argmap render -o map.html). Map text is only ever set through textContent; the
// SVG (whose text Graphviz escaped) is parsed as XML and imported, never as HTML.
(function () {
  "use strict";
  const boot = JSON.parse(document.getElementById("ax-data").textContent);
  const live = boot.mode === "live";
  document.body.classList.add(live ? "live" : "static");
  const $ = (id) => document.getElementById(id);
  const { el, row, slider, chip, numberField, link } = argmapWidgets;
  const hooks = argmapHooks;
  const mapEl = $("ax-map");

  // The what-if state. The URL holds it (query when live, fragment when static),
  // so that reloading or sharing the address reproduces the page.
  // ui.claim or ui.argument is the selection (at most one of them is set).
  const ui = { frame: "", claim: "", argument: "", given: [], set: [], person: "", extra: {} };
  let doc = live ? null : boot; // the evaluation shown
  const opening = boot.person || ""; // static: the person the page opens on
  let details = null; // live: /api/claim answer for ui.claim
  let shownSvg = null;
  let stateSeq = 0;
  let claimSeq = 0;

  function readUrl() {
    const params = new URLSearchParams(live ? location.search : location.hash.slice(1));
    ui.frame = params.get("frame") || "";
    ui.claim = params.get("claim") || "";
    ui.argument = ui.claim ? "" : params.get("argument") || "";
    ui.given = live ? params.getAll("given") : [];
    ui.set = live ? params.getAll("set") : [];
    // Whose numbers (docs/people.md). Static, no `as` is the person the page opens on
    // (`render --as`) and `as=` (empty) the map's own.
    ui.person = live ? params.get("as") || "" : params.has("as") ? params.get("as") : opening;
    if (!live && ui.person && !own(boot.people_static, ui.person)) ui.person = "";
    hooks.params.forEach((name) => {
      if (params.has(name)) ui.extra[name] = params.get(name);
    });
  }

  function query(withClaim) {
    const q = new URLSearchParams();
    ui.given.forEach((g) => q.append("given", g));
    ui.set.forEach((s) => q.append("set", s));
    if (ui.frame) q.set("frame", ui.frame);
    if (live ? ui.person : ui.person !== opening) q.set("as", ui.person);
    Object.entries(ui.extra).forEach(([k, v]) => v !== null && v !== "" && q.set(k, v));
    if (withClaim && ui.claim) q.set("claim", ui.claim);
    if (withClaim && ui.argument) q.set("argument", ui.argument);
    return q;
  }

  function writeUrl() {
    const q = query(true).toString();
    try {
      if (live) history.replaceState(null, "", q ? "?" + q : location.pathname);
      else history.replaceState(null, "", "#" + q);
    } catch (e) {
      location.hash = q; // file:// pages may refuse replaceState
    }
  }

  // Ids come from the URL too: only a map's own keys count ("constructor" is no claim).
  const own = (obj, key) => (obj && Object.hasOwn(obj, key) ? obj[key] : null);
  const claimDoc = (id) => own(doc && doc.claims, id);
  const argumentDoc = (id) => own(doc && doc.arguments, id);
  const keyOf = (item) => item.slice(0, item.indexOf("=") < 0 ? item.length : item.indexOf("="));
  const valueOf = (item) => (item.indexOf("=") < 0 ? "" : item.slice(item.indexOf("=") + 1));
  const what = (kind, item) => kind + " " + keyOf(item) + " = " + valueOf(item);

  // --- the static page's people: patches of the map's own numbers and pictures --------

  const staticDocs = {};

  // A picture patch: [start, end, lines] replaces lines start..end-1 of the map's own
  // picture; a line [head, tail, middle] keeps the old line's ends (render/html.py).
  function applyPatch(base, patch) {
    const old = base.split("\n");
    const out = [];
    let last = 0;
    patch.forEach(([start, end, lines]) => {
      out.push(...old.slice(last, start));
      lines.forEach((line, k) => {
        if (typeof line === "string") out.push(line);
        else {
          const was = old[start + k];
          out.push(was.slice(0, line[0]) + line[2] + was.slice(was.length - line[1]));
        }
      });
      last = end;
    });
    return out.concat(old.slice(last)).join("\n");
  }

  // The evaluation document of `pid` (a person, "pooled", or "" for the map's own).
  function staticDoc(pid) {
    const p = own(boot.people_static, pid);
    if (!p) return boot;
    if (staticDocs[pid]) return staticDocs[pid];
    const d = Object.assign({}, boot);
    Object.entries(p.doc).forEach(([key, value]) => {
      if (!["frames", "claims", "arguments"].includes(key)) {
        d[key] = value;
        return;
      }
      const merged = Object.assign({}, boot[key]);
      Object.entries(value).forEach(([id, changes]) => {
        merged[id] = Object.assign({}, merged[id], changes);
      });
      d[key] = merged;
    });
    d.views = {};
    Object.entries(p.views).forEach(([key, patch]) => {
      d.views[key] = applyPatch(boot.views[key], patch);
    });
    staticDocs[pid] = d;
    return d;
  }

  function whatIf(change) {
    change();
    writeUrl();
    refresh();
  }

  function setGiven(id, truth) {
    whatIf(() => {
      ui.given = ui.given.filter((g) => keyOf(g) !== id);
      if (truth !== null) ui.given.push(id + "=" + truth);
    });
  }

  function setParam(keys, value) {
    whatIf(() => {
      ui.set = ui.set.filter((s) => !keys.includes(keyOf(s)));
      if (value !== null) ui.set.push(keys[0] + "=" + value);
    });
  }

  // Switch an argument on or off: back to the map as written drops the what-if.
  function setEnabled(aid, on) {
    const a = argumentDoc(aid);
    setParam([aid + ".enabled"], a && on === a.written_enabled ? null : String(on));
  }

  function hookContext(id) {
    return { doc, id, live, ui, setParam, setGiven, setEnabled, select, selectArgument };
  }

  function runHooks(list, box, id) {
    const made = list.map((h) => h(hookContext(id))).filter((e) => e);
    box.replaceChildren(...made);
  }

  // --- talking to the server --------------------------------------------------

  async function getJson(url) {
    const r = await fetch(url, { cache: "no-store" });
    return { ok: r.ok, body: await r.json() };
  }

  async function refresh() {
    if (!live) {
      doc = staticDoc(ui.person);
      draw();
      return;
    }
    const my = ++stateSeq;
    mapEl.classList.add("stale");
    let answer;
    try {
      answer = await getJson("/api/state?" + query(false));
    } catch (e) {
      if (my === stateSeq) status("cannot reach the server (is argmap serve still running?)");
      return;
    }
    if (my !== stateSeq) return; // a newer request is on its way
    mapEl.classList.remove("stale");
    if (!answer.ok) {
      requestError(answer.body.error || "the server refused the request");
      return;
    }
    requestError(null);
    doc = answer.body;
    details = null;
    draw();
    fetchClaim();
  }

  async function fetchClaim() {
    if (!live || !claimDoc(ui.claim)) return;
    const my = ++claimSeq;
    const q = query(false);
    q.set("id", ui.claim);
    let answer;
    try {
      answer = await getJson("/api/claim?" + q);
    } catch (e) {
      return;
    }
    if (my !== claimSeq) return;
    details = answer.ok ? answer.body : { error: answer.body.error };
    drawPanel();
  }

  function status(text) {
    $("ax-status").textContent = text;
  }

  function requestError(text) {
    $("ax-request-error").hidden = text === null;
    $("ax-request-error-text").textContent = text === null ? "" : "What-if: " + text;
  }

  // --- drawing ------------------------------------------------------------------

  function draw() {
    if (!doc) return;
    const problems = doc.problems || [];
    $("ax-problems").hidden = problems.length === 0;
    $("ax-problem-list").replaceChildren(...problems.map((p) => el("li", p)));
    // The evaluation's warnings (sampled past the memory budget, a band drawn fewer
    // times...): as text, since map ids and names may appear in them.
    const warnings = (doc.claims && doc.warnings) || [];
    $("ax-warnings").hidden = warnings.length === 0;
    $("ax-warning-list").replaceChildren(...warnings.map((w) => el("li", String(w))));
    if (!doc.claims) {
      $("ax-title").textContent = doc.name || "";
      mapEl.replaceChildren();
      shownSvg = null;
      return;
    }
    $("ax-title").textContent = doc.title || doc.name;
    $("ax-source").textContent = doc.source || "";
    if (live) status("live: " + doc.name + " (redrawn when saved)");
    drawToolbar();
    const svg = live ? doc.svg : own(doc.views, ui.frame) || doc.views[""];
    if (svg !== shownSvg) {
      const parsed = new DOMParser().parseFromString(svg, "image/svg+xml");
      const root = parsed.documentElement;
      if (root.nodeName === "svg") mapEl.replaceChildren(document.importNode(root, true));
      shownSvg = svg;
      // Claims and arguments are buttons: reachable with Tab, chosen with Enter.
      mapEl.querySelectorAll('g.node[id^="claim-"], g.node[id^="argument-"]').forEach((g) => {
        g.setAttribute("tabindex", "0");
        g.setAttribute("role", "button");
      });
    }
    markSelected();
    drawPanel();
  }

  function drawToolbar() {
    const frames = doc.columns.filter((c) => c !== "overall");
    const select = $("ax-frame");
    const options = [el("option", frames.length > 1 ? "every frame" : frames[0] || "")];
    options[0].value = "";
    if (frames.length > 1) {
      frames.forEach((f) => {
        const o = el("option", "only " + f);
        o.value = f;
        options.push(o);
      });
    }
    select.replaceChildren(...options);
    if (!live && !own(doc.views, ui.frame)) ui.frame = "";
    select.value = ui.frame;
    $("ax-frame-control").hidden = frames.length < 2;
    drawPeople();
    drawWeights();
    const chips = [
      ...ui.given.map((g) => chip(what("given", g), () => setGiven(keyOf(g), null))),
      ...ui.set.map((s) => chip(what("set", s), () => setParam([keyOf(s)], null))),
    ];
    $("ax-whatif").replaceChildren(...chips);
    $("ax-reset").hidden = chips.length === 0;
    runHooks(hooks.toolbar, $("ax-toolbar-hooks"), null);
  }

  // Frame weights: prior → posterior; live, each prior weight is a what-if field.
  function drawWeights() {
    const box = $("ax-weights");
    const frames = Object.entries(doc.frames);
    const weighted = frames.some(([, f]) => f.posterior_weight !== null);
    if (!weighted) {
      box.replaceChildren();
      return;
    }
    const parts = [el("span", "frame weights:", "muted")];
    frames.forEach(([name, f]) => {
      const after = " → " + round(f.posterior_weight);
      if (live) {
        const written = f.written_weight === null ? f.weight : f.written_weight;
        const field = numberField(name, written, (v) => setParam([name + ".weight"], v || null), {
          min: "0",
        });
        const input = field.querySelector("input");
        input.dataset.frame = name;
        input.value = String(isSetKey(name + ".weight") ? valueOfSet(name + ".weight") : written);
        field.title = (f.text || name) + " (prior weight; after the evidence" + after + ")";
        parts.push(field, el("span", after, "muted"));
      } else {
        parts.push(el("span", name + " " + round(f.weight) + after));
      }
    });
    box.replaceChildren(...parts);
  }

  function isSetKey(key) {
    return ui.set.some((s) => keyOf(s) === key);
  }

  function valueOfSet(key) {
    const item = ui.set.find((s) => keyOf(s) === key);
    return item === undefined ? null : valueOf(item);
  }

  // The person switch: the map's own numbers, or one person's overlay applied.
  function drawPeople() {
    const people = live ? doc.people || {} : {};
    if (!live) {
      Object.entries(boot.people_static || {}).forEach(([pid, p]) => {
        if (pid !== "pooled") people[pid] = p.label;
      });
    }
    const ids = Object.keys(people);
    const options = [el("option", "the map's own")];
    options[0].value = "";
    ids.forEach((pid) => {
      const o = el("option", people[pid] === pid ? pid : pid + " (" + people[pid] + ")");
      o.value = pid;
      options.push(o);
    });
    if (live ? ids.length > 1 : own(boot.people_static, "pooled")) {
      // the mean of the people's log-odds (docs/people.md)
      const o = el("option", "pooled (mean log-odds)");
      o.value = "pooled";
      options.push(o);
      ids.push("pooled");
    }
    const select = $("ax-person");
    select.replaceChildren(...options);
    select.value = ids.includes(ui.person) ? ui.person : "";
    $("ax-person-control").hidden = ids.length === 0;
  }

  // A claim's disagreement between two people: the gap, where it comes from, double cruxes.
  function drawDisagreement() {
    const box = $("ax-disagreement");
    const d = live && details && details.id === ui.claim ? details.disagreement : null;
    if (!d) {
      box.replaceChildren();
      return;
    }
    if (d.error) {
      box.replaceChildren(el("h3", "Disagreement"), el("p", d.error, "muted"));
      return;
    }
    const pct = (x) => (x === null ? "-" : (100 * x).toFixed(2) + "%");
    const pp = (x) => (x >= 0 ? "+" : "") + (100 * x).toFixed(2) + " pp";
    const head = el(
      "p",
      d.a.person + " " + pct(d.a.credence) + ", " + d.b.person + " " + pct(d.b.credence) +
        ": gap " + pp(d.gap)
    );
    head.id = "ax-gap";
    const parts = el("table");
    parts.append(row(["parameter", d.a.person, d.b.person, "share of gap"], "", "th"));
    d.attribution.contributions.slice(0, 5).forEach((c) => {
      parts.append(row([c.parameter, c.a, c.b, pp(c.contribution)], "part"));
    });
    const cruxes = el("table");
    cruxes.append(row(["claim X", "P(X)", "if X", "if not X", "gap left"], "", "th"));
    d.double_cruxes.forEach((x) => {
      const tr = row(
        [
          x.claim,
          pct(x.a.probability) + " / " + pct(x.b.probability),
          pct(x.a.if_true) + " / " + pct(x.b.if_true),
          pct(x.a.if_false) + " / " + pct(x.b.if_false),
          pp(x.remaining_gap).replace("+", ""),
        ],
        "double-crux"
      );
      tr.title = x.text || "";
      tr.addEventListener("click", () => select(x.claim));
      cruxes.append(tr);
    });
    box.replaceChildren(
      el("h3", "Disagreement: " + d.a.person + " vs " + d.b.person + " (" + d.column + ")"),
      head,
      parts,
      el("h3", "Double cruxes (each cell " + d.a.person + " / " + d.b.person + ")"),
      cruxes
    );
  }

  function round(x) {
    return x === null ? "-" : String(Number(x.toPrecision(4)));
  }

  function selectedNode() {
    if (ui.claim) return document.getElementById("claim-" + ui.claim);
    if (ui.argument) return document.getElementById("argument-" + ui.argument);
    return null;
  }

  function markSelected() {
    mapEl.querySelectorAll("g.node.selected").forEach((g) => g.classList.remove("selected"));
    const g = selectedNode();
    if (g && mapEl.contains(g)) g.classList.add("selected");
  }

  function current() {
    if (ui.frame) return ui.frame;
    return doc.columns.includes("overall") ? "overall" : null;
  }

  function drawPanel() {
    const c = claimDoc(ui.claim);
    const a = c ? null : argumentDoc(ui.argument);
    $("ax-hint").hidden = Boolean(c || a);
    $("ax-claim").hidden = !c;
    $("ax-argument").hidden = !a;
    if (c) drawClaim(ui.claim, c);
    if (a) drawArgument(ui.argument, a);
  }

  const MARK = {
    illustrative: "† illustrative: a number its author tagged illustrative, not an estimate",
    uncertain: "~ uncertain: a parameter written as a range or a beta distribution",
  };

  function drawTexts(prefix, item) {
    const marks = item.marks || [];
    $(prefix + "-marks").hidden = marks.length === 0;
    $(prefix + "-marks").textContent = marks.map((m) => MARK[m] || m).join("; ");
    $(prefix + "-text").textContent = item.text || "";
    $(prefix + "-source").textContent = item.source ? "Source: " + item.source : "";
    $(prefix + "-location").textContent = item.location ? "(" + item.location + ")" : "";
    $(prefix + "-notes").hidden = !item.notes;
    $(prefix + "-notes").textContent = item.notes ? "Notes: " + item.notes : "";
    // Where the person shown got these numbers (their overlay's source and notes).
    const whose = [item.numbers_source, item.numbers_notes].filter((x) => x);
    $(prefix + "-numbers").hidden = whose.length === 0;
    $(prefix + "-numbers").textContent = whose.length
      ? "Numbers of " + ui.person + ": " + whose.join(" — ")
      : "";
  }

  function drawClaim(id, c) {
    $("ax-claim-id").textContent = id;
    $("ax-claim-label").hidden = !c.label;
    $("ax-claim-label").textContent = c.label || "";
    drawTexts("ax-claim", c);
    // Its groups: every credence here is conditional on them.
    const groups = c.groups || [];
    $("ax-claim-groups").hidden = groups.length === 0;
    $("ax-claim-groups").replaceChildren(
      ...groups.map((g) => {
        const li = el("li", "In group " + g.id + ": " + g.phrase + " " + g.members.join(", "));
        if (g.text) li.title = g.text;
        return li;
      })
    );
    const bands = (details && details.id === id && details.interval_shown) || c.interval_shown;
    const rows = doc.columns.map((col) => {
      const tr = el("tr", null, col === current() ? "current" : "");
      tr.append(el("td", col));
      const prior = own(c.prior_shown, col);
      const before = el("td", prior === null ? "" : prior + " →", "num prior");
      before.dataset.column = col;
      const v = el("td", c.shown[col] || "n/a", "num value");
      v.dataset.column = col;
      tr.append(before, v, el("td", own(bands, col) || "", "num interval"));
      return tr;
    });
    $("ax-credences").tBodies[0].replaceChildren(...rows);
    // The "before evidence" column only where evidence moved this claim.
    $("ax-credences").classList.toggle("no-prior", Object.keys(c.prior_shown).length === 0);
    const given = c.given === true ? "true" : c.given === false ? "false" : null;
    $("ax-claim-given").hidden = given === null;
    const note = given ? "Assumed " + given + ": given " + id + "=" + given : "";
    $("ax-claim-given").textContent = note;
    $("ax-assume-true").classList.toggle("on", given === "true");
    $("ax-assume-false").classList.toggle("on", given === "false");
    drawBase(id, c);
    drawEvidence(id, c);
    drawArguments(c);
    drawExplanation(c);
    drawCruxes();
    drawDisagreement();
    runHooks(hooks.claimPanel, $("ax-claim-hooks"), id);
  }

  function isSet(key) {
    return isSetKey(key);
  }

  function drawBase(id, c) {
    if (!live) return;
    const keys = [id, id + ".credence"];
    const was = c.base ? c.base.value : "none (true only through its arguments)";
    const mark = keys.some(isSet) ? " (what-if)" : "";
    const base = slider("Base credence" + mark + ": " + was, c.base ? c.base.p : 0, (v) =>
      setParam(keys, v)
    );
    base.querySelector("input").id = "ax-base-slider";
    $("ax-base").replaceChildren(base);
  }

  // The claim's evidence items (each in the unit its author wrote) and, live, a field
  // for their total in bits: `--set CLAIM.evidence=BITS`.
  function drawEvidence(id, c) {
    const box = $("ax-evidence");
    const ev = c.evidence;
    if (!ev.items.length && !live) {
      box.replaceChildren();
      return;
    }
    const parts = [el("h3", "Evidence on it")];
    if (ev.items.length) {
      const list = el("ul");
      ev.items.forEach((item) => {
        const li = el("li", item.ratio + (item.text ? ": " + item.text : ""));
        if ((item.tags || []).includes("illustrative")) li.append(" †");
        if (item.source) li.append(el("div", "Source: " + item.source, "muted"));
        if (item.notes) li.append(el("div", "Notes: " + item.notes, "notes"));
        list.append(li);
      });
      parts.push(list);
    }
    if (live) {
      const key = id + ".evidence";
      const mark = isSet(key) ? " (what-if; as written " + round(ev.written_bits) + ")" : "";
      const field = numberField("Total, in bits" + mark + ":", round(ev.bits), (v) =>
        setParam([key], v === "" ? null : v)
      );
      field.querySelector("input").id = "ax-evidence-bits";
      const lr = el("span", " = likelihood ratio " + round(Math.pow(2, ev.bits)), "muted");
      const box2 = el("div", null, "evidence");
      box2.append(field, lr);
      parts.push(box2);
    }
    box.replaceChildren(...parts);
  }

  const RELATION = {
    supports: "supports it",
    attacks: "attacks it",
    premise: "uses it as a premise",
    "negated-premise": "uses “not it” as a premise",
  };

  function drawArguments(c) {
    const aimed = c.arguments.filter((a) => a.relation === "supports" || a.relation === "attacks");
    const uses = c.arguments.filter((a) => !aimed.includes(a));
    const heading = aimed.length ? [el("h3", "Arguments aimed at it")] : [];
    $("ax-arguments").replaceChildren(...heading, ...aimed.map(argumentControl));
    $("ax-uses-list").replaceChildren(...uses.map(argumentControl));
    $("ax-uses").hidden = uses.length === 0;
  }

  // One argument in a claim's panel: its id (click: the argument's panel), what it does,
  // its strength (a slider, live) and on/off box, then the arguments undercutting it,
  // each with its own on/off box.
  function argumentControl(ref) {
    const a = argumentDoc(ref.id);
    const box = el("div", null, "argument");
    const head = el("div");
    head.append(link(ref.id, () => selectArgument(ref.id)), " " + RELATION[ref.relation]);
    if (a.marks.length) head.append(" " + a.marks.map((m) => (m === "illustrative" ? "†" : "~")).join(""));
    box.append(head);
    if (a.text) box.title = a.text;
    if (live) box.append(strengthSlider(ref.id, a));
    else box.append(el("div", "strength " + a.strength.value + (a.enabled ? "" : " (off)"), "muted"));
    if (a.undercut_by.length) box.append(undercutList(a));
    return box;
  }

  function enabledBox(aid, a) {
    const on = el("input");
    on.type = "checkbox";
    on.checked = a.enabled;
    on.disabled = !live;
    on.title = "argument enabled";
    on.dataset.enable = aid;
    on.addEventListener("change", () => setEnabled(aid, on.checked));
    return on;
  }

  function strengthSlider(aid, a) {
    const key = aid + ".strength";
    const mark = isSet(key) ? " (what-if)" : "";
    const box = slider("strength" + mark + ": " + a.strength.value, a.strength.p, (v) =>
      setParam([key], v)
    );
    box.querySelector("input").dataset.argument = aid;
    box.querySelector("label").prepend(enabledBox(aid, a), " on; ");
    return box;
  }

  function undercutList(a) {
    const list = el("div", null, "undercuts");
    list.append(el("div", "undercut by:", "muted"));
    a.undercut_by.forEach((uid) => {
      const u = argumentDoc(uid);
      const line = el("div");
      line.append(enabledBox(uid, u), " ", link(uid, () => selectArgument(uid)));
      line.append(" " + (u.strength ? u.strength.value : ""));
      if (u.text) line.title = u.text;
      list.append(line);
    });
    return list;
  }

  const KIND = { supports: "supports", attacks: "attacks", undercuts: "undercuts the argument" };

  function drawArgument(id, a) {
    $("ax-argument-id").textContent = id;
    const kind = $("ax-argument-kind");
    const target = a.kind === "undercuts" ? selectArgument : select;
    kind.replaceChildren(KIND[a.kind] + " ", link(a.target, () => target(a.target)));
    drawTexts("ax-argument", a);
    const items = a.premises.map((p) => {
      const li = el("li");
      if (p.negated) li.append(el("span", "NOT", "not"));
      const c = claimDoc(p.claim);
      li.append(link(p.claim, () => select(p.claim)));
      if (c) li.append(" " + (c.shown[current() || doc.columns[0]] || "") + " — " + c.text);
      return li;
    });
    if (!items.length) items.push(el("li", "none: it holds unless undercut", "muted"));
    $("ax-argument-premises").replaceChildren(...items);
    const frames = Object.entries(a.frames).map(([f, o]) => {
      const parts = [];
      if (o.enabled === false) parts.push("off");
      if (o.enabled === true) parts.push("on");
      if (o.strength) parts.push(o.strength.value);
      return f + ": " + parts.join(", ");
    });
    const what = "Strength " + a.strength.value + (a.enabled ? "" : " (switched off)");
    $("ax-argument-strength").textContent = what + (frames.length ? "; in frames: " + frames.join("; ") : "");
    if (live) $("ax-argument-controls").replaceChildren(strengthSlider(id, a));
    const under = $("ax-argument-undercuts");
    under.replaceChildren(...(a.undercut_by.length ? [undercutList(a)] : []));
    runHooks(hooks.argumentPanel, $("ax-argument-hooks"), id);
  }

  function drawExplanation(c) {
    const col = current() || doc.columns[0];
    const box = $("ax-explanation");
    // Live, a claim's explanation comes with its details (computed on the click,
    // not on every what-if); the static page has them all in its document.
    let shown = c.explanation_shown;
    if (live) {
      if (!details || details.id !== ui.claim) {
        const title = "What each argument contributes";
        box.replaceChildren(el("h3", title), el("p", "computing…", "muted"));
        return;
      }
      shown = details.explanation_shown;
    }
    const deltas = own(shown, col);
    if (!deltas) {
      box.replaceChildren();
      return;
    }
    const table = el("table");
    Object.entries(deltas).forEach(([aid, d]) => {
      const tr = el("tr");
      const name = el("td");
      name.append(link(aid, () => selectArgument(aid)));
      tr.append(name, el("td", d, "num"));
      table.append(tr);
    });
    const title = "What each argument contributes (" + col + ", with it minus without)";
    box.replaceChildren(el("h3", title), table);
  }

  function drawCruxes() {
    const box = $("ax-cruxes");
    if (!live) return;
    if (!details || details.id !== ui.claim) {
      box.replaceChildren(el("h3", "Cruxes"), el("p", "computing…", "muted"));
      return;
    }
    const problem = details.error || details.cruxes_error;
    if (problem) {
      box.replaceChildren(el("h3", "Cruxes"), el("p", problem, "muted"));
      return;
    }
    const table = el("table");
    table.append(row(["claim X", "P(X)", "if X", "if not X", "E|change|"], "", "th"));
    details.cruxes.forEach((x) => {
      const s = x.shown;
      const tr = row([x.claim, s.p, s.if_true, s.if_false, s.change], "crux");
      tr.title = x.text;
      tr.addEventListener("click", () => select(x.claim));
      table.append(tr);
    });
    const col = details.cruxes.length ? details.cruxes[0].column : "";
    box.replaceChildren(el("h3", "Cruxes: what learning each claim would do (" + col + ")"), table);
  }

  function focusNode() {
    const g = selectedNode();
    const fit = mapEl.classList.contains("fit");
    if (g && !fit && mapEl.contains(g)) g.scrollIntoView({ block: "center", inline: "center" });
  }

  function select(id) {
    ui.claim = id;
    ui.argument = "";
    details = null;
    writeUrl();
    markSelected();
    focusNode();
    drawPanel();
    fetchClaim();
  }

  function selectArgument(id) {
    ui.argument = id;
    ui.claim = "";
    details = null;
    writeUrl();
    markSelected();
    focusNode();
    drawPanel();
  }

  // --- events ---------------------------------------------------------------------

  // The node clicked: a claim, an argument, or an evidence note (its claim).
  function nodeAt(target) {
    const g = target.closest && target.closest("g.node");
    if (!g) return null;
    if (g.id.startsWith("claim-") && claimDoc(g.id.slice(6))) return ["claim", g.id.slice(6)];
    if (g.id.startsWith("argument-") && argumentDoc(g.id.slice(9)))
      return ["argument", g.id.slice(9)];
    const ev = /^evidence-(.*)-\d+$/.exec(g.id);
    if (ev && claimDoc(ev[1])) return ["claim", ev[1]];
    return null;
  }

  function choose(found) {
    if (!found) return false;
    if (found[0] === "claim") select(found[1]);
    else selectArgument(found[1]);
    return true;
  }

  mapEl.addEventListener("click", (e) => choose(nodeAt(e.target)));
  mapEl.addEventListener("keydown", (e) => {
    if ((e.key === "Enter" || e.key === " ") && nodeAt(e.target)) {
      e.preventDefault();
      choose(nodeAt(e.target));
    }
  });
  $("ax-frame").addEventListener("change", () => whatIf(() => (ui.frame = $("ax-frame").value)));
  $("ax-person").addEventListener("change", () =>
    whatIf(() => {
      ui.person = $("ax-person").value;
      details = null; // the claim's cruxes are that person's
    })
  );
  $("ax-assume-true").addEventListener("click", () => setGiven(ui.claim, "true"));
  $("ax-assume-false").addEventListener("click", () => setGiven(ui.claim, "false"));
  $("ax-assume-clear").addEventListener("click", () => setGiven(ui.claim, null));
  document.querySelectorAll(".reset").forEach((b) =>
    b.addEventListener("click", () =>
      whatIf(() => {
        ui.given = [];
        ui.set = [];
        ui.frame = ""; // a bad frame in a shared address is reset too
      })
    )
  );
  $("ax-zoom").addEventListener("click", () => {
    const fit = mapEl.classList.toggle("fit");
    $("ax-zoom").textContent = fit ? "Actual size" : "Fit to width";
    $("ax-zoom").setAttribute("aria-pressed", String(!fit));
  });

  readUrl();
  if (live) {
    const events = new EventSource("/events");
    events.addEventListener("version", (e) => {
      if (!doc || JSON.parse(e.data).version !== doc.version) refresh();
    });
    events.addEventListener("error", () => status("reconnecting to the server…"));
    // After a reconnection (a restarted server counts versions from 1 again) refetch anyway.
    events.addEventListener("open", () => doc && refresh());
  }
  refresh();
})();
