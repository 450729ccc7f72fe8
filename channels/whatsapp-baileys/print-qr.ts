import qrcode from 'qrcode-terminal';

/**
 * Draws the pairing QR code on the terminal (stderr, so stdout stays pure JSON logs). Baileys 7 no
 * longer prints it itself (`printQRInTerminal` was removed), so the channel does, on each
 * `connection.update` that carries a `qr`.
 */
export function printQrToTerminal(qr: string, out: NodeJS.WritableStream = process.stderr): void {
  qrcode.generate(qr, { small: true }, (drawn) => {
    out.write(`\nScan with WhatsApp on the council's phone: Settings → Linked devices → Link a device\n${drawn}\n`);
  });
}
