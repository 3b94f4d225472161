import { ProviderError } from '../provider.errors';
import { ProviderLogger, basicAuth, httpStatusKind, sendProviderRequest } from '../http/provider-http';
import { XENDIT_API_VERSION, XenditQrCode, XenditQrCodeRequest, XenditQrPayment, XenditTransaction } from './xendit.mapping';

export interface XenditClientOptions {
  secretKey: string;
  baseUrl: string;
  timeoutMs: number;
  log: ProviderLogger;
}

export interface XenditPage<T> {
  data: T[];
  has_more: boolean;
}

/** HTTP only: Basic auth (secret key as user, empty password), api-version header, timeouts, HTTP status → error kind. */
export class XenditClient {
  constructor(private readonly options: XenditClientOptions) {}

  createQrCode(body: XenditQrCodeRequest): Promise<XenditQrCode> {
    return this.send('POST', '/qr_codes', body);
  }

  qrPayments(qrId: string): Promise<XenditPage<XenditQrPayment>> {
    return this.send('GET', `/qr_codes/${encodeURIComponent(qrId)}/payments`);
  }

  transactions(pathWithQuery: string): Promise<XenditPage<XenditTransaction>> {
    return this.send('GET', pathWithQuery);
  }

  private async send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<any> {
    const response = await sendProviderRequest({
      provider: 'xendit',
      method,
      baseUrl: this.options.baseUrl,
      path,
      headers: { authorization: basicAuth(this.options.secretKey, ''), 'api-version': XENDIT_API_VERSION },
      body,
      timeoutMs: this.options.timeoutMs,
      log: this.options.log,
    });
    const kind = httpStatusKind(response.status);
    if (kind) {
      const code = response.body && typeof response.body.error_code === 'string' ? ` ${response.body.error_code.slice(0, 64)}` : '';
      throw new ProviderError(kind, `xendit ${method} ${path.split('?')[0].split('/')[1]}: HTTP ${response.status}${code}`);
    }
    if (!response.body || typeof response.body !== 'object') throw new ProviderError('indeterminate', `xendit ${method}: HTTP ${response.status} without a JSON body`);
    return response.body;
  }
}
