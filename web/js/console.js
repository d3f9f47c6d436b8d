// The staff console's only script: quick acknowledgements on a case page
// (web/templates/console/case.html). Everything else in the console works
// without JavaScript.

import { fetchAckMaterial, sendQuickAck } from "./console/quick-ack.js";

/**
 * The element with this id, typed as an input (see pages/dom.js); the case
 * page has every element main() reads once #ack-config is there.
 * @param {string} id
 * @returns {HTMLInputElement}
 */
const $ = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));

async function main() {
  const configNode = $("ack-config");
  if (!configNode) return;
  const config = JSON.parse(/** @type {string} */ (configNode.textContent));
  const button = $("ack-send");
  const status = $("ack-status");
  let material;
  try {
    material = await fetchAckMaterial(config.material_url);
  } catch {
    status.textContent = config.messages.failed;
    return;
  }
  button.disabled = false;
  button.addEventListener("click", async () => {
    button.disabled = true;
    status.textContent = config.messages.sending;
    try {
      await sendQuickAck(material, $("ack-template").value, config.send_url, config.csrf);
      status.textContent = config.messages.sent;
      document.documentElement.dataset.ackSent = "true";
    } catch (error) {
      // The server's answer, when it gave one (quick-ack.js puts it on the error).
      /** @typedef {{ answer?: { message?: string } }} Refused */
      status.textContent = `${config.messages.failed} ${/** @type {Refused} */ (error).answer?.message ?? ""}`.trim();
      button.disabled = false;
    }
  });
  document.documentElement.dataset.ackReady = "true";
}

main();
