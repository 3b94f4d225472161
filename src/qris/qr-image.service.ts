import { Injectable } from '@nestjs/common';
import * as QRCode from 'qrcode';

const BASE_OPTIONS = { errorCorrectionLevel: 'M', margin: 2 } as const;

@Injectable()
export class QrImageService {
  toPng(payload: string): Promise<Buffer> {
    return QRCode.toBuffer(payload, { ...BASE_OPTIONS, type: 'png', width: 360 });
  }

  toSvg(payload: string): Promise<string> {
    return QRCode.toString(payload, { ...BASE_OPTIONS, type: 'svg' });
  }
}
