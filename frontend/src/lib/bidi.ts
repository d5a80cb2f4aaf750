// Left-to-right islands in right-to-left text. Phones (+989…), e-mails and codes read left to right in
// Persian too; without an isolate the bidi algorithm moves a phone's "+" to the far (right) side.

const LRI = "\u2066"; // LEFT-TO-RIGHT ISOLATE
const PDI = "\u2069"; // POP DIRECTIONAL ISOLATE

/** The text as a left-to-right isolate, for places that take a plain string (labels, t() values). */
export function ltrText(text: string): string {
  return `${LRI}${text}${PDI}`;
}
