/**
 * Where notebook outputs go: one Jupyter display_data message per call, holding a MIME bundle
 * (several representations of one output, the front end or exporter picks the richest it knows).
 * tslab's public `display` sends one MIME type per message, so a chart could not carry both its
 * Vega-Lite JSON and its SVG; its lower-level writer (`lastWriteDisplayData` of tslab's jupyter
 * module, which that public API calls) takes a whole bundle.
 */
export type MimeBundle = Record<string, unknown>;
export type Publisher = (bundle: MimeBundle) => void;

type TslabJupyter = { lastWriteDisplayData: ((data: { data: MimeBundle; metadata: object; transient: object }, update: boolean) => void) | null };

/** Publishes through the tslab kernel running this code; outside a kernel, prints the plain-text form. */
function tslabPublisher(): Publisher {
  return (bundle) => {
    // Loaded lazily: the same module instance as the kernel's (node_modules/tslab/dist/jupyter.js).
    const jupyter = require("tslab/dist/jupyter") as TslabJupyter;
    if (jupyter.lastWriteDisplayData === null) {
      const text = bundle["text/markdown"] ?? bundle["text/plain"];
      process.stdout.write(`${typeof text === "string" ? text : ""}\n`);
      return;
    }
    jupyter.lastWriteDisplayData({ data: bundle, metadata: {}, transient: {} }, false);
  };
}

let current: Publisher = tslabPublisher();

/** Sends one output. */
export function publish(bundle: MimeBundle): void {
  current(bundle);
}

/** Replaces where outputs go (tests record them); returns the previous publisher. */
export function setPublisher(publisher: Publisher): Publisher {
  const previous = current;
  current = publisher;
  return previous;
}
