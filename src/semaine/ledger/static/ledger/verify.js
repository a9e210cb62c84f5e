/* Verify a ledger entry in the visitor's browser (Web Crypto): the public record hashes to the
   entry's sha256, the RFC 9162 inclusion proof leads from the entry to the checkpoint's root, the
   checkpoint (a C2SP signed note) carries a valid Ed25519 signature by the log's key, and what the
   page shows (the text the visitor reads, in the elements marked data-shown) is what the record
   holds, field by field. */
(function () {
  "use strict";
  const enc = new TextEncoder();
  const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
  const hex = (a) => Array.from(a, (b) => b.toString(16).padStart(2, "0")).join("");
  const concat = (...parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  };
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  const node = (l, r) => sha256(concat(new Uint8Array([1]), l, r));

  // RFC 9162 §2.1.3.2, with BigInt so that trees beyond 2**32 leaves work too
  async function rootFromInclusion(index, size, leaf, proof) {
    let fn = BigInt(index), sn = BigInt(size) - 1n, r = leaf;
    if (fn > sn) throw new Error("index");
    for (const p of proof) {
      if (sn === 0n) throw new Error("proof too long");
      if ((fn & 1n) === 1n || fn === sn) {
        r = await node(p, r);
        while ((fn & 1n) === 0n && fn !== 0n) { fn >>= 1n; sn >>= 1n; }
      } else {
        r = await node(r, p);
      }
      fn >>= 1n; sn >>= 1n;
    }
    if (sn !== 0n) throw new Error("proof too short");
    return r;
  }

  async function checkSignature(note, keyText) {
    const [name, keyId, keyB64] = [keyText.split("+")[0], keyText.split("+")[1], keyText.split("+").slice(2).join("+")];
    const raw = b64(keyB64);
    if (raw[0] !== 1 || raw.length !== 33) return false;
    const split = note.lastIndexOf("\n\n");
    const text = note.slice(0, split + 1);
    const prefix = "\u2014 " + name + " ";
    for (const line of note.slice(split + 2).split("\n")) {
      if (!line.startsWith(prefix)) continue;
      const sig = b64(line.slice(prefix.length));
      if (hex(sig.slice(0, 4)) !== keyId) continue;
      const key = await crypto.subtle.importKey("raw", raw.slice(1), { name: "Ed25519" }, false, ["verify"]);
      return crypto.subtle.verify({ name: "Ed25519" }, key, sig.slice(4), enc.encode(text));
    }
    return false;
  }

  // --- what the page shows against the record ---------------------------------------------------

  const clean = (text) => (text || "").normalize("NFC").replace(/\s+/g, " ").trim();
  const shown = (name) => Array.from(document.querySelectorAll('[data-shown="' + name + '"]'));
  const textOf = (name) => { const el = shown(name)[0]; return el ? clean(el.textContent) : null; };
  const slugs = (name) => shown(name).map((el) => el.dataset.slug).sort();
  const fill = (template, values) => template.replace(/%\((\w+)\)s/g, (_m, k) => String(values[k]));
  const sameList = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);

  // « lundi 20 novembre 2017, 09:00 – 12:00 », or « … 09:00 – mardi 21 novembre 2017 18:00 »: the
  // words of the page's language, the hours of Paris (as the server writes a slot)
  function slotText(slot, lang) {
    const parts = (iso, options) => {
      const out = {};
      for (const p of new Intl.DateTimeFormat(lang, { timeZone: "Europe/Paris", ...options }).formatToParts(new Date(iso))) out[p.type] = p.value;
      return out;
    };
    const day = (iso) => { const p = parts(iso, { weekday: "long", day: "numeric", month: "long", year: "numeric" }); return p.weekday + " " + p.day + " " + p.month + " " + p.year; };
    const hour = (iso) => { const p = parts(iso, { hour: "2-digit", minute: "2-digit", hourCycle: "h23" }); return p.hour + ":" + p.minute; };
    return day(slot.start) === day(slot.end)
      ? day(slot.start) + ", " + hour(slot.start) + " – " + hour(slot.end)
      : day(slot.start) + " " + hour(slot.start) + " – " + day(slot.end) + " " + hour(slot.end);
  }

  // [field, shown, recorded] for every fact the page displays that differs from the record
  function differences(record, rendered, labels, lang) {
    const out = [];
    const check = (field, a, b) => {
      const same = Array.isArray(a) ? Array.isArray(b) && sameList(a, b) : a === b;
      if (!same) out.push([field, a, b]);
    };
    const path = decodeURIComponent(location.pathname);
    const url = path.match(/\/editions\/([^/]+)\/evenements\/([0-9a-f-]{36})\//);
    check("id", url ? url[2] : null, record.id);
    check("edition", url ? url[1] : null, record.edition);
    check("state", "published", record.state);
    check("title", textOf("title"), clean(record.title));
    check("summary", textOf("summary"), clean(record.summary));
    const description = shown("description")[0];
    if (description) {
      const html = new DOMParser().parseFromString(rendered.description || "", "text/html");
      check("description", clean(description.textContent), clean(html.body.textContent));
    }
    check("status", textOf("status") || "", record.status === "scheduled" ? "" : labels.status[record.status] || record.status);
    const slots = shown("slots").map((li) => {
      const struck = li.querySelector("del");
      return clean((struck || li).textContent) + (struck ? " ✕" : "");
    });
    check("slots", slots, (record.slots || []).map((s) => slotText(s, lang) + (s.cancelled ? " ✕" : "")));
    check("attendance_mode", textOf("attendance_mode"), labels.attendance[record.attendance_mode] || record.attendance_mode);
    const venue = record.venue || {};
    for (const key of ["name", "address", "postcode", "commune"]) {
      check("venue." + key, textOf("venue." + key), record.venue ? clean(venue[key]) : null);
    }
    const map = shown("venue.position")[0];
    const placed = venue.latitude !== null && venue.latitude !== undefined && venue.longitude !== null && venue.longitude !== undefined;
    const near = (a, b) => Math.abs(Number(a) - b) < 5e-7;
    if (map ? !placed || !near(map.dataset.lat, venue.latitude) || !near(map.dataset.lon, venue.longitude) : placed) {
      out.push(["venue.position", map ? map.dataset.lat + ", " + map.dataset.lon : null,
        placed ? venue.latitude + ", " + venue.longitude : null]);
    }
    const online = shown("online_url")[0];
    const showsLink = Boolean(record.online_url) && record.attendance_mode !== "in_person";
    check("online_url", online ? online.getAttribute("href") : null, showsLink ? record.online_url : null);
    check("organisation", slugs("organisation")[0] || null, record.organisation);
    check("co_organisers", slugs("co_organisers"), record.co_organisers || []);
    check("programme", slugs("programme")[0] || null, record.programme);
    if (record.programme) check("track", slugs("track")[0] || null, record.track);
    check("formats", slugs("formats"), record.formats || []);
    check("themes", slugs("themes"), record.themes || []);
    check("audiences", slugs("audiences"), record.audiences || []);
    const [min, max] = record.age || [null, null];
    const age = min && max ? fill(labels.age.both, { a: min, b: max })
      : min ? fill(labels.age.min, { a: min }) : max ? fill(labels.age.max, { b: max }) : null;
    check("age", textOf("age"), age === null ? null : clean(age));
    check("accessibility", shown("accessibility").map((el) => clean(el.textContent)).sort(),
      (record.accessibility || []).map((name) => labels.accessibility[name] || name).sort());
    check("languages", shown("languages").map((el) => clean(el.textContent)).sort(),
      (record.languages || []).map((code) => labels.languages[code] || code).sort());
    const registration = shown("registration")[0];
    const booking = record.registration || {};
    const mode = booking.mode;
    let expected = labels.registration[mode] || mode;
    if (mode === "platform" && booking.capacity) {
      const n = booking.capacity;
      expected = fill(labels.places[new Intl.PluralRules(lang).select(n) === "one" ? "one" : "other"], { n: n }) + ". " + expected;
    }
    // Registration on the organiser's site that has closed: the page shows no link, only that
    // it is closed (a fact of the clock, not of the record).
    const closed = mode === "external" && registration && registration.hasAttribute("data-closed");
    if (!closed) check("registration", registration ? clean(registration.textContent) : null, clean(expected));
    if (mode === "external" && !closed) {
      check("registration", registration ? registration.getAttribute("href") : null, booking.url);
    }
    return out;
  }

  function describe(diffs, box, labels) {
    const value = (v) => v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length)
      ? labels.nothing : Array.isArray(v) ? v.join(", ") : String(v);
    const cut = (text) => text.length > 160 ? text.slice(0, 159) + "…" : text;
    return box.dataset.msgDiffers + " " + diffs.map(([field, a, b]) => fill(box.dataset.msgField, {
      field: labels.fields[field] || field, shown: cut(value(a)), recorded: cut(value(b)),
    })).join(" ; ");
  }

  async function verify(box) {
    const status = box.querySelector("[role=status]");
    const say = (msg, ok) => {
      status.textContent = msg;
      status.classList.toggle("fr-message--valid", ok === true);
      status.classList.toggle("fr-message--error", ok === false);
      box.dataset.result = ok === true ? "ok" : ok === false ? "failed" : "";
    };
    say(box.dataset.msgRunning);
    try {
      const [data, keyText] = await Promise.all([
        fetch(box.dataset.entryUrl).then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); }),
        fetch(box.dataset.keyUrl).then((r) => r.text()),
      ]);
      const entry = enc.encode(data.entry);
      if (hex(await sha256(enc.encode(data.record))) !== JSON.parse(data.entry).sha256) return say(box.dataset.msgRecord, false);
      const lines = data.checkpoint.split("\n");
      const root = b64(lines[2]);
      if (Number(lines[1]) !== data.tree_size) return say(box.dataset.msgProof, false);
      const leaf = await sha256(concat(new Uint8Array([0]), entry));
      const computed = await rootFromInclusion(data.index, data.tree_size, leaf, data.proof.map(b64));
      if (!same(computed, root)) return say(box.dataset.msgProof, false);
      let signed;
      try { signed = await checkSignature(data.checkpoint, keyText.trim()); }
      catch (e) { return say(box.dataset.msgUnsupported, false); }
      if (!signed) return say(box.dataset.msgSignature, false);
      if (box.dataset.compare === "entry") {
        // The entry's own page: what it shows must be the leaf and the record just verified.
        const sameJSON = (el, text) => el !== undefined && JSON.stringify(JSON.parse(el.textContent)) === JSON.stringify(JSON.parse(text));
        if (!sameJSON(shown("entry")[0], data.entry) || !sameJSON(shown("record")[0], data.record)) return say(box.dataset.msgEntryDiffers, false);
        return say(box.dataset.msgOkEntry + " (" + box.dataset.msgTree + " " + data.tree_size + ", " + lines[2] + ")", true);
      }
      const labels = JSON.parse(box.dataset.labels);
      const diffs = differences(JSON.parse(data.record), data.rendered || {}, labels, document.documentElement.lang || "fr");
      if (diffs.length) return say(describe(diffs, box, labels), false);
      say(box.dataset.msgOk + " (" + box.dataset.msgTree + " " + data.tree_size + ", " + lines[2] + ")", true);
    } catch (e) {
      say(box.dataset.msgError, false);
    }
  }

  document.querySelectorAll("[data-ledger-check]").forEach((box) => {
    const button = box.querySelector("button");
    if (!window.crypto || !crypto.subtle) return;
    button.hidden = false;
    button.addEventListener("click", () => verify(box));
  });
})();
