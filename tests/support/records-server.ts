import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { CensusRecord, CertificateRequest, RecordItem, RecordKind } from '../../connectors/records/citizen-records';

/** One citizen's records as the local city keeps them. */
export interface CityCitizen {
  records?: Partial<Record<RecordKind, RecordItem[]>>;
  census?: CensusRecord;
}

/** What the next answers should be instead of the normal ones. */
export type RecordsFault = 'none' | 'down' | 'slow' | 'malformed' | 'redirect';

/**
 * A city's records API for tests, implementing docs/openapi/citizen-records.yaml over real HTTP on a free
 * port: bearer token checked, the identifier read from the Citizen-Identifier header, certificate requests
 * idempotent by key. `fault` turns it into a failing, slow, malformed or redirecting city.
 */
export class RecordsServer {
  readonly citizens = new Map<string, CityCitizen>();
  /** Every request's URL as received (to check no identifier travels in it). */
  readonly urls: string[] = [];
  fault: RecordsFault = 'none';
  private readonly certificates = new Map<string, CertificateRequest>();

  private constructor(private readonly server: Server, readonly url: string, readonly token: string) {}

  static async start(token = 'city-records-token'): Promise<RecordsServer> {
    const app = express();
    const server = app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const city = new RecordsServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`, token);
    app.use(express.json());
    app.use('/api', (req, res, next) => {
      city.urls.push(req.originalUrl);
      if (req.get('authorization') !== `Bearer ${token}`) return void res.status(401).json({ error: 'bad token' });
      if (city.fault === 'down') return void res.status(503).send('<html>down</html>');
      if (city.fault === 'redirect') return void res.redirect(302, 'http://127.0.0.1:9/elsewhere');
      if (city.fault === 'slow') return void setTimeout(next, 1_500);
      next();
    });
    const who = (req: express.Request) => city.citizens.get(req.get('citizen-identifier') ?? '');
    app.get('/api/records/:kind', (req, res) => {
      const citizen = who(req);
      if (!citizen) return void res.status(404).end();
      const items = citizen.records?.[req.params.kind as RecordKind] ?? [];
      res.json(city.fault === 'malformed' ? { items: [{ id: 1 }] } : { items });
    });
    app.get('/api/census', (req, res) => {
      const census = who(req)?.census;
      if (!census) return void res.status(404).end();
      res.json(census);
    });
    app.post('/api/census/certificate-requests', (req, res) => {
      if (!who(req)?.census) return void res.status(404).end();
      const key = req.get('idempotency-key') ?? '';
      const known = city.certificates.get(key);
      if (known) return void res.status(200).json(known);
      const made: CertificateRequest = { id: `CERT-${city.certificates.size + 1}`, status: 'requested', url: `https://sede.example.city/certificados/${city.certificates.size + 1}` };
      city.certificates.set(key, made);
      res.status(201).json(made);
    });
    return city;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
