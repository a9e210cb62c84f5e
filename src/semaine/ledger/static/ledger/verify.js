/* Verify a ledger entry in the visitor's browser (Web Crypto): the public record hashes to the
   entry's sha256, the RFC 9162 inclusion proof leads from the entry to the checkpoint's root, and
   the checkpoint (a C2SP signed note) carries a valid Ed25519 signature by the log's key. */
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
