import { Module } from '@nestjs/common';
import { QrImageService } from './qr-image.service';

@Module({ providers: [QrImageService], exports: [QrImageService] })
export class QrisModule {}
