/**
 * Where notebook cells show things. In a notebook this is tslab's `display` (passed in by the
 * first cell); nbconvert's markdown export keeps markdown and SVG outputs (SVGs as files).
 * Tests pass a recording display.
 */
export interface Display {
  markdown(text: string): void;
  svg(svg: string): void;
}

export interface Shown {
  kind: "markdown" | "svg";
  content: string;
}

/** A display that keeps what was shown, in order (for tests and for scripts). */
export function recordingDisplay(): Display & { shown: Shown[] } {
  const shown: Shown[] = [];
  return {
    shown,
    markdown: (content) => void shown.push({ kind: "markdown", content }),
    svg: (content) => void shown.push({ kind: "svg", content }),
  };
}
