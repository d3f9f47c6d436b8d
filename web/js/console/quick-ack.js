// Quick acknowledgements from the staff console (docs/spec/unit-card-v1.md,
// "Standard messages"). The console holds no signing key: the text and its
// signature were made on the workstation and arrived in a reply bundle. This
// browser seals  template_signature (64) || {"text", "status": null, "template"}
// to the reporter's key and the unit's key, and posts only the envelope and the
// template id. The server never sees the plaintext it could alter: it only
// checks the envelope's shape and that the template exists.

import { b64uDecode, b64uEncode } from "../b64.js";
import { concat, utf8 } from "../bytes.js";
import { randomId, sealEnvelope } from "../envelope.js";
import { templateMessage } from "../reply.js";
import { SIG_ACK_TEMPLATE } from "../labels.js";
import { verifySignature } from "../signing.js";

/**
 * A standard message signed on the workstation.
 * @typedef {object} Template
 * @property {string} template_id
 * @property {string} text
 * @property {string} signature base64url, 64 bytes
 */

/**
 * What the console's material URL answers for a case.
 * @typedef {object} AckMaterial
 * @property {string} unit_id
 * @property {string} case_id
 * @property {string} unit_ed25519_public_key
 * @property {string} unit_xwing_public_key
 * @property {string} reporter_public_key
 * @property {Template[]} templates
 */

/**
 * The plaintext of a standard-message reply.
 * @param {Template} template
 * @returns {Uint8Array<ArrayBuffer>}
 */
export function templatePlaintext(template) {
  const body = utf8(JSON.stringify({ text: template.text, status: null, template: template.template_id }));
  return concat(b64uDecode(template.signature), body);
}

/**
 * Fetch what sealing needs: keys and the signed templates of this case's unit.
 * @param {string} url
 * @returns {Promise<AckMaterial>}
 */
export async function fetchAckMaterial(url) {
  const response = await fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin", cache: "no-store" });
  if (!response.ok) throw new Error(`material ${response.status}`);
  return response.json();
}

/**
 * Seal the template `templateId` for the case described by `material` and post
 * it to `postUrl` with the session's CSRF token. Returns the server's answer.
 * @param {AckMaterial} material
 * @param {string} templateId
 * @param {string} postUrl
 * @param {string} csrf
 * @returns {Promise<unknown>}
 */
export async function sendQuickAck(material, templateId, postUrl, csrf) {
  const template = material.templates.find((t) => t.template_id === templateId);
  if (!template) throw new Error("unknown template");
  // Refuse a template the unit did not sign (a tampered server answer).
  await verifySignature(
    b64uDecode(material.unit_ed25519_public_key),
    SIG_ACK_TEMPLATE,
    templateMessage(material.unit_id, template.template_id, template.text),
    b64uDecode(template.signature),
  );
  const itemId = randomId();
  const ctx = { unitId: material.unit_id, caseId: b64uDecode(material.case_id), kind: "reply", itemId };
  const recipients = [b64uDecode(material.reporter_public_key), b64uDecode(material.unit_xwing_public_key)];
  const envelope = await sealEnvelope(templatePlaintext(template), recipients, ctx);
  const response = await fetch(postUrl, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
    body: JSON.stringify({ template_id: templateId, item_id: b64uEncode(itemId), envelope: b64uEncode(envelope) }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(answer.message || `send ${response.status}`), { answer });
  return answer;
}
