export interface FieldError {
  field: string;
  message: string;
}

/**
 * A failure the client can act on, with a stable machine-readable code. One exception filter turns it
 * into an RFC 9457 problem response; the code becomes the problem type's last path segment.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors?: FieldError[],
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'AppError';
  }

  static badRequest(code: string, message: string, errors?: FieldError[]): AppError {
    return new AppError(400, code, message, errors);
  }

  static notFound(code: string, message: string): AppError {
    return new AppError(404, code, message);
  }

  static conflict(code: string, message: string): AppError {
    return new AppError(409, code, message);
  }
}
