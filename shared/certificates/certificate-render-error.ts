/** Why a certificate could not be rendered: a stable code, a zh-CN message, and the content field at fault. */
export type CertificateRenderErrorCode =
  | 'CERTIFICATE_DATE_FORMAT'
  | 'CERTIFICATE_GLYPH_MISSING'
  | 'CERTIFICATE_TEXT_TOO_LONG';

/**
 * Thrown rather than issuing a certificate that misprints: a missing glyph shows as an empty box in a trainee's
 * name, and text that does not fit would run off the page.
 */
export class CertificateRenderError extends Error {
  constructor(
    readonly code: CertificateRenderErrorCode,
    message: string,
    readonly field: string,
  ) {
    super(message);
    // The code is the error's name, so the workflow's failure record (error name only) says which rule refused it.
    this.name = code;
  }
}
