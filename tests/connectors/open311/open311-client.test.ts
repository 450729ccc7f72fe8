import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorUnavailableError, TicketRejectedError } from '../../../bot/errors';
import { Open311Client, type Open311ClientOptions, type Open311Ticket } from '../../../connectors/open311/open311-client';
import { describeWithReference } from '../../../connectors/open311/request-form';
import { referencesIn } from '../../../connectors/open311/shared-lookup';

const mentionsReference = (description: string, reference: string): boolean => referencesIn([{ description, serviceRequestId: '1' } as never]).has(reference);
import { toTicketState } from '../../../connectors/open311/status-mapping';
import { GeoReportError } from '../../../connectors/open311/transport';
import { startGeoReportServer, type GeoReportServer } from '../../support/georeport-server';

const TIMEOUT_MS = 300;

function ticket(over: Partial<Open311Ticket> = {}): Open311Ticket {
  return {
    reference: 'ALU-2026-000123',
    service: 'alumbrado',
    type: 'reclamo',
    serviceCode: 'alumbrado',
    description: 'La farola de la esquina lleva tres días apagada',
    location: { address: 'Carrer Major 12, Alumbra', point: { latitude: 39.4699, longitude: -0.3763 } },
    mediaUrls: ['https://media.example/p/1.jpg?sig=abc', 'https://media.example/p/2.jpg'],
    contact: { name: 'María José García', phone: '+34600111222', email: 'mj@example.org' },
    locale: 'es',
    createdAt: new Date().toISOString(),
    ...over,
  };
}

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
async function thrown(fn: () => Promise<unknown>): Promise<Error> {
  try {
    await fn();
  } catch (err) {
    if (err instanceof Error) return err;
    throw new Error(`threw a non-Error: ${String(err)}`);
  }
  throw new Error('expected a rejection');
}

describe.each(['json', 'xml'] as const)('Open311Client over %s', (format) => {
  let server: GeoReportServer;
  beforeEach(async () => {
    server = await startGeoReportServer();
  });
  afterEach(() => server.close());

  const client = (over: Partial<Open311ClientOptions> = {}) =>
    new Open311Client({ endpoint: server.endpoint, apiKey: server.apiKey, jurisdictionId: server.jurisdictionId, format, timeoutMs: TIMEOUT_MS, ...over });

  describe('catalog', () => {
    it('lists the services with type, keywords, group and the metadata flag', async () => {
      const services = await client().services();
      expect(services.map((s) => s.serviceCode)).toEqual(['alumbrado', 'calles', 'agua', 'higiene']);
      expect(services[1]).toMatchObject({ serviceName: 'Calles y aceras', metadata: true, type: 'realtime', keywords: ['bache', 'acera'], group: 'Vía pública' });
      expect(services[0]).toMatchObject({ metadata: false, keywords: ['farola', 'luz'] });
      expect(services[3]?.type).toBe('batch');
    });

    it('reads a service definition with typed attributes and list values', async () => {
      const def = await client().serviceDefinition('calles');
      expect(def.serviceCode).toBe('calles');
      expect(def.attributes).toEqual([
        { variable: true, code: 'peligro', datatype: 'singlevaluelist', required: true, datatypeDescription: undefined, order: 1, description: '¿Hay peligro inmediato?', values: [{ key: 'si', name: 'Sí' }, { key: 'no', name: 'No' }] },
        { variable: true, code: 'tamano', datatype: 'number', required: false, datatypeDescription: undefined, order: 2, description: 'Tamaño aproximado (cm)', values: [] },
        { variable: true, code: 'afecta', datatype: 'multivaluelist', required: false, datatypeDescription: undefined, order: 3, description: 'A quién afecta', values: [{ key: 'peatones', name: 'Peatones' }, { key: 'coches', name: 'Coches' }] },
        { variable: false, code: 'plazo', datatype: 'string', required: false, datatypeDescription: undefined, order: 4, description: 'Los baches con peligro se tapan en 48 horas.', values: [] },
        { variable: true, code: 'desde', datatype: 'datetime', required: true, datatypeDescription: undefined, order: 5, description: '¿Desde cuándo está?', values: [] },
      ]);
    });

    it('rejects the definition of an unknown service with the 404 the server gave', async () => {
      const err = await thrown(() => client().serviceDefinition('nope'));
      expect(err).toBeInstanceOf(TicketRejectedError);
      expect((err.cause as GeoReportError).errors).toEqual([{ code: '404', description: 'service_code nope not found' }]);
    });

    it('reports the catalog codes the server does not offer', async () => {
      expect(await client().validateMapping(['alumbrado', 'mascotas', 'calles', 'mascotas', 'parques'])).toEqual(['mascotas', 'parques']);
    });
  });

  describe('submit', () => {
    it('files one request with location, contact, first photo, device_id and the Ref line', async () => {
      const t = ticket();
      const result = await client().submit(t, 'tickets-ALU-2026-000123', 1);
      expect(server.requests).toHaveLength(1);
      const stored = server.requests[0]!;
      expect(result).toEqual({ externalId: stored.service_request_id });
      expect(stored).toMatchObject({
        service_code: 'alumbrado', lat: 39.4699, long: -0.3763, address: 'Carrer Major 12, Alumbra',
        media_url: 'https://media.example/p/1.jpg?sig=abc', first_name: 'María', last_name: 'José García',
        phone: '+34600111222', email: 'mj@example.org', device_id: 'tickets-ALU-2026-000123', jurisdiction_id: 'alumbra.test',
        description: 'La farola de la esquina lleva tres días apagada\n\nRef: ALU-2026-000123',
      });
      expect(server.calls.find((c) => c.method === 'POST')?.idempotencyKey).toBe('tickets-ALU-2026-000123');
    });

    it('sends attribute answers, a multivaluelist as attribute[code][]', async () => {
      await client().submit(ticket({ serviceCode: 'calles', attributes: { peligro: 'si', tamano: '40', afecta: ['peatones', 'coches'], desde: '2026-12-03T10:30:00+01:00' } }), 'k-attr', 1);
      expect(server.requests[0]?.attributes).toEqual({ peligro: 'si', tamano: '40', afecta: ['peatones', 'coches'], desde: '2026-12-03T10:30:00+01:00' });
    });

    it('files an address-only ticket without lat/long', async () => {
      await client().submit(ticket({ location: { address: 'Plaça Nova 3' } }), 'k-addr', 1);
      expect(server.requests[0]).toMatchObject({ address: 'Plaça Nova 3', lat: undefined, long: undefined });
    });

    it('gives back a token for a batch service and resolves it once the server has processed it', async () => {
      const c = client();
      const result = await c.submit(ticket({ serviceCode: 'higiene' }), 'k-batch', 1);
      expect(result).toEqual({ token: 'tok-1' });
      expect(await c.resolveToken('tok-1')).toBeUndefined();
      const id = await c.resolveToken('tok-1');
      expect(id).toBe(server.requests[0]?.service_request_id);
      expect(id).toMatch(/^\d+$/);
      expect(await c.resolveToken('tok-unknown')).toBeUndefined();
    });

    it('resolves tokens for any service when the server answers every POST with one', async () => {
      server.useTokens(2);
      const c = client();
      const result = await c.submit(ticket(), 'k-tok', 1);
      if (!('token' in result)) throw new Error(`expected a token, got ${JSON.stringify(result)}`);
      expect(await c.resolveToken(result.token)).toBeUndefined();
      expect(await c.resolveToken(result.token)).toBeUndefined();
      expect(await c.resolveToken(result.token)).toBe(server.requests[0]?.service_request_id);
    });

    it('refuses a missing required attribute with the server\'s reason (400), and posts only once', async () => {
      const err = await thrown(() => client().submit(ticket({ serviceCode: 'calles' }), 'k-400', 1));
      expect(err).toBeInstanceOf(TicketRejectedError);
      expect((err as TicketRejectedError).retryable).toBe(false);
      expect(err.cause).toBeInstanceOf(GeoReportError);
      expect(err.cause).toMatchObject({ status: 400, errors: [{ code: '400', description: 'attribute[peligro] is required' }] });
      expect(err.message).toContain('attribute[peligro] is required');
      expect(server.posts).toBe(1);
      expect(server.requests).toHaveLength(0);
    });

    it('refuses an unknown service_code and a ticket without location (400)', async () => {
      const unknown = await thrown(() => client().submit(ticket({ serviceCode: 'ovnis' }), 'k-u', 1));
      expect(unknown.cause).toMatchObject({ status: 400, errors: [{ description: 'service_code ovnis not found' }] });
      const { location: _dropped, ...noLocation } = ticket();
      const nowhere = await thrown(() => client().submit(noLocation, 'k-n', 1));
      expect(nowhere).toBeInstanceOf(TicketRejectedError);
      expect((nowhere.cause as GeoReportError).errors[0]?.description).toMatch(/location is required/);
    });

    it('refuses a wrong api_key (403) without quoting the key', async () => {
      const err = await thrown(() => client({ apiKey: 'wrong-secret-key' }).submit(ticket(), 'k-403', 1));
      expect(err).toBeInstanceOf(TicketRejectedError);
      expect(err.cause).toMatchObject({ status: 403, errors: [{ code: '403', description: 'Invalid api_key' }] });
      expect(`${err.message} ${(err.cause as Error).message}`).not.toContain('wrong-secret-key');
    });

    it('refuses a wrong jurisdiction (404) on GETs too', async () => {
      const err = await thrown(() => client({ jurisdictionId: 'elsewhere.test' }).services());
      expect(err).toBeInstanceOf(TicketRejectedError);
      expect((err.cause as GeoReportError).status).toBe(404);
    });
  });

  describe('failures', () => {
    it('turns a 503 into ConnectorUnavailableError carrying the error body', async () => {
      server.fail5xx(1);
      const err = await thrown(() => client().submit(ticket(), 'k-503', 1));
      expect(err).toBeInstanceOf(ConnectorUnavailableError);
      expect(err.cause).toMatchObject({ status: 503, errors: [{ code: '503', description: 'Service temporarily unavailable' }] });
      expect(server.requests).toHaveLength(0);
    });

    it('gives up after timeoutMs with ConnectorUnavailableError', async () => {
      server.slow(2_000);
      const started = Date.now();
      const err = await thrown(() => client().services());
      expect(err).toBeInstanceOf(ConnectorUnavailableError);
      expect(err.message).toMatch(/timed out after 300 ms/);
      expect(Date.now() - started).toBeLessThan(1_500);
    });

    it('answers ConnectorUnavailableError on every call while the server is down, and recovers', async () => {
      await server.down();
      await expect(client().services()).rejects.toBeInstanceOf(ConnectorUnavailableError);
      await expect(client().submit(ticket(), 'k-down')).rejects.toBeInstanceOf(ConnectorUnavailableError);
      expect(server.requests).toHaveLength(0);
      await server.up();
      expect(await client().submit(ticket(), 'k-down')).toEqual({ externalId: server.requests[0]?.service_request_id });
    });

    it('turns a refused connection into ConnectorUnavailableError and works again once the server is up', async () => {
      await server.down('refuse');
      const err = await thrown(() => client().status('1001'));
      expect(err).toBeInstanceOf(ConnectorUnavailableError);
      expect(err.message).toMatch(/network error/);
      await server.up();
      expect(await client().services()).toHaveLength(4);
    });
  });

  describe('exactly once', () => {
    it('finds the request a timed-out POST created instead of filing a second one', async () => {
      const c = client();
      server.timeoutAfterCreate(1);
      const first = await thrown(() => c.submit(ticket(), 'k-once', 1));
      expect(first).toBeInstanceOf(ConnectorUnavailableError);
      expect(server.requests).toHaveLength(1);

      const retry = await c.submit(ticket(), 'k-once', 2);
      expect(retry).toEqual({ externalId: server.requests[0]?.service_request_id });
      expect(server.requests).toHaveLength(1);
      expect(server.posts).toBe(1);
    });

    it('finds it too when the caller does not say which attempt this is (answer arriving after the timeout)', async () => {
      server.timeoutAfterCreate(1, TIMEOUT_MS * 2);
      await thrown(() => client().submit(ticket(), 'k-once', 1));
      expect(await new Open311Client({ endpoint: server.endpoint, apiKey: server.apiKey, jurisdictionId: server.jurisdictionId, format }).submit(ticket(), 'k-once'))
        .toEqual({ externalId: server.requests[0]?.service_request_id });
      expect(server.requests).toHaveLength(1);
    });

    it('finds the request behind a 5xx that came after it was created', async () => {
      server.fail5xx(1, { afterCreate: true });
      await expect(client().submit(ticket(), 'k-5xx', 1)).rejects.toBeInstanceOf(ConnectorUnavailableError);
      expect(await client().submit(ticket(), 'k-5xx', 2)).toEqual({ externalId: server.requests[0]?.service_request_id });
      expect(server.requests).toHaveLength(1);
    });

    it('does not post while the lookup itself fails, then files exactly one after a 5xx burst', async () => {
      server.fail5xx(3);
      for (const attempt of [1, 2, 3]) await expect(client().submit(ticket(), 'k-burst', attempt)).rejects.toBeInstanceOf(ConnectorUnavailableError);
      expect(server.posts).toBe(1); // attempts 2 and 3 failed on their lookup and never posted
      const done = await client().submit(ticket(), 'k-burst', 4);
      expect(done).toEqual({ externalId: server.requests[0]?.service_request_id });
      expect(server.requests).toHaveLength(1);
    });

    it('does not mistake another ticket whose reference starts the same for ours', async () => {
      await client().submit(ticket({ reference: 'ALU-2026-0001234' }), 'k-other', 1);
      const ours = await client().submit(ticket(), 'k-ours', 2);
      expect(server.requests).toHaveLength(2);
      expect(ours).toEqual({ externalId: server.requests[1]?.service_request_id });
    });

    it('would file twice on a server that ignores Idempotency-Key if the lookup were skipped (control)', async () => {
      server.timeoutAfterCreate(1);
      await thrown(() => client().submit(ticket(), 'k-ctl', 1));
      await client().submit(ticket(), 'k-ctl', 1);
      expect(server.requests).toHaveLength(2);
    });

    it('is answered the first request by a server that honours Idempotency-Key', async () => {
      server.honourIdempotencyKey();
      server.timeoutAfterCreate(1);
      await thrown(() => client().submit(ticket(), 'k-hon', 1));
      expect(await client().submit(ticket(), 'k-hon', 1)).toEqual({ externalId: server.requests[0]?.service_request_id });
      expect(server.requests).toHaveLength(1);
    });
  });

  describe('status', () => {
    it('maps open, closed and closed-as-duplicate, with notes, agency and updatedAt', async () => {
      const c = client();
      const submitted = await c.submit(ticket(), 'k-st', 1);
      const id = 'externalId' in submitted ? submitted.externalId : '';
      expect(await c.status(id)).toMatchObject({ externalId: id, status: 'open', note: undefined, agency: undefined });

      server.setStatus(id, 'closed', 'Farola reparada', 'Brigada de alumbrado');
      const fixed = await c.status(id);
      expect(fixed).toEqual({ externalId: id, status: 'resolved', note: 'Farola reparada', agency: 'Brigada de alumbrado', updatedAt: server.requests[0]?.updated_datetime });

      server.setStatus(id, 'closed', 'Duplicada de la incidencia 998');
      expect((await c.status(id))?.status).toBe('rejected');
    });

    it('answers undefined for an id the server does not know (404)', async () => {
      expect(await client().status('424242')).toBeUndefined();
    });
  });
});

describe('Open311Client reading what real servers send', () => {
  /** A fetch that answers every call with one canned response. */
  const canned = (status: number, body: string): typeof fetch => async () => new Response(body, { status });
  const over = (format: 'json' | 'xml', status: number, body: string) =>
    new Open311Client({ endpoint: 'https://city.example/open311/v2', apiKey: 'test-key-123', format, fetch: canned(status, body) });

  it('parses the spec\'s XML services sample, elements in any order', async () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
      <services>
        <service><service_code>001</service_code><service_name>Cans left out 24x7</service_name>
          <description>Garbage or recycling cans &amp; bins</description><metadata>true</metadata><type>realtime</type>
          <keywords>lorem, ipsum, dolor</keywords><group>sanitation</group></service>
        <service><service_code>002</service_code><metadata>false</metadata><type>batch</type><keywords/>
          <group>street</group><service_name><![CDATA[Construction plate <shifted>]]></service_name><description/></service>
      </services>`;
    expect(await over('xml', 200, xml).services()).toEqual([
      { serviceCode: '001', serviceName: 'Cans left out 24x7', description: 'Garbage or recycling cans & bins', metadata: true, type: 'realtime', keywords: ['lorem', 'ipsum', 'dolor'], group: 'sanitation' },
      { serviceCode: '002', serviceName: 'Construction plate <shifted>', description: undefined, metadata: false, type: 'batch', keywords: [], group: 'street' },
    ]);
  });

  it('parses the spec\'s JSON request sample (numbers where strings are expected, nulls)', async () => {
    const json = '[{"service_request_id":638344,"status":"closed","status_notes":"Duplicate request.","service_name":"Sidewalk and Curb Issues","service_code":"006","description":null,"agency_responsible":null,"service_notice":null,"requested_datetime":"2010-04-14T06:37:38-08:00","updated_datetime":"2010-04-14T06:37:38-08:00","expected_datetime":"2010-04-15T06:37:38-08:00","address":"8TH AVE and JUDAH ST","address_id":545483,"zipcode":94122,"lat":37.762221815,"long":-122.4651145,"media_url":"http://city.gov.s3.amazonaws.com/requests/media/638344.jpg "}]';
    expect(await over('json', 200, json).status('638344')).toEqual({
      externalId: '638344', status: 'rejected', note: 'Duplicate request.', agency: undefined, updatedAt: '2010-04-14T06:37:38-08:00',
    });
  });

  it('reads an XML error body (the spec\'s 403 sample)', async () => {
    const body = '<?xml version="1.0" encoding="utf-8"?><errors><error><code>403</code><description>Invalid api_key received -- can\'t proceed with create_request.</description></error></errors>';
    const err = await thrown(() => over('xml', 403, body).submit(ticket(), 'k', 1));
    expect(err).toBeInstanceOf(TicketRejectedError);
    expect(err.cause).toMatchObject({ status: 403, errors: [{ code: '403', description: "Invalid api_key received -- can't proceed with create_request." }] });
  });

  it('treats a 2xx it cannot read (a proxy\'s HTML page) as unavailable, so the retry looks up', async () => {
    const err = await thrown(() => over('json', 200, '<html>Bad gateway</html>').submit(ticket(), 'k', 1));
    expect(err).toBeInstanceOf(ConnectorUnavailableError);
    expect(err.message).toMatch(/not valid JSON/);
  });

  it('refuses malformed XML instead of guessing', async () => {
    const err = await thrown(() => over('xml', 200, '<services><service><service_code>1</service></services>').services());
    expect(err).toBeInstanceOf(ConnectorUnavailableError);
  });

  it('refuses a DOCTYPE (no entity expansion) and unknown entities', async () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]><services><service><service_code>&lol;</service_code></service></services>';
    await expect(over('xml', 200, bomb).services()).rejects.toBeInstanceOf(ConnectorUnavailableError);
    await expect(over('xml', 200, '<services><service><service_code>&lol;</service_code></service></services>').services()).rejects.toBeInstanceOf(ConnectorUnavailableError);
    expect(await over('xml', 200, '<services><service><service_code>&#x41;&#66;</service_code></service></services>').services()).toMatchObject([{ serviceCode: 'AB' }]);
  });

  it('keeps an api_key a server echoes out of the error message', async () => {
    const client = new Open311Client({ endpoint: 'https://city.example/v2', apiKey: 'k-secret-123', fetch: canned(400, '[{"code":400,"description":"bad key k-secret-123"}]') });
    const echoed = await thrown(() => client.submit(ticket(), 'x', 1));
    expect(echoed).toBeInstanceOf(TicketRejectedError);
    expect(echoed.message).not.toContain('k-secret-123');
    expect(echoed.message).toContain('bad key ***');
  });
});

describe('status mapping', () => {
  it.each([
    ['open', undefined, 'open'],
    ['closed', undefined, 'resolved'],
    ['closed', 'Reparado el 3 de marzo', 'resolved'],
    ['closed', 'Rechazada: no es competencia municipal', 'rejected'],
    ['closed', 'Sol·licitud rebutjada', 'rejected'],
    ['Closed', 'Duplicate of 998', 'rejected'],
    ['acknowledged', undefined, 'in_progress'],
    ['In Progress', undefined, 'in_progress'],
    ['something-new', undefined, 'open'],
  ] as const)('%s with notes %j is %s', (status, notes, expected) => {
    expect(toTicketState(status, notes)).toBe(expected);
  });
});

describe('the Ref line', () => {
  it('survives a description longer than the spec\'s 4000 characters', () => {
    const text = describeWithReference('x'.repeat(5000), 'ALU-2026-000123');
    expect([...text].length).toBeLessThanOrEqual(4000);
    expect(text.endsWith('\n\nRef: ALU-2026-000123')).toBe(true);
  });

  it('matches whole references only, whatever the server did to the line break', () => {
    expect(mentionsReference('Farola\n\nRef: ALU-2026-000123', 'ALU-2026-000123')).toBe(true);
    expect(mentionsReference('Farola Ref: alu-2026-000123', 'ALU-2026-000123')).toBe(true);
    expect(mentionsReference('Farola\n\nRef: ALU-2026-0001234', 'ALU-2026-000123')).toBe(false);
    expect(mentionsReference('Farola XRef: ALU-2026-000123', 'ALU-2026-000123')).toBe(false);
  });
});

describe('Open311Client and charsets, over real HTTP', () => {
  /** A server that answers every call with `body` encoded in `encoding`, and records what it was sent. */
  async function answering(body: string, encoding: BufferEncoding, contentType: string): Promise<{ endpoint: string; seen: Array<{ contentType?: string; body: string }>; close(): Promise<void> }> {
    const { createServer } = await import('node:http');
    const seen: Array<{ contentType?: string; body: string }> = [];
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.push({ ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}), body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(200, { 'content-type': contentType }).end(Buffer.from(body, encoding));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address() as { port: number };
    return { endpoint: `http://127.0.0.1:${port}/v2`, seen, close: () => new Promise((r) => server.close(() => r())) };
  }
  const SERVICES = '<services><service><service_code>alumbrado</service_code><service_name>Alumbrado público</service_name><metadata>false</metadata><type>realtime</type><keywords>farola, luz</keywords><group>Vía pública</group></service></services>';

  it('reads an ISO-8859-1 answer by the charset its Content-Type declares', async () => {
    const server = await answering(`<?xml version="1.0"?>${SERVICES}`, 'latin1', 'text/xml; charset=ISO-8859-1');
    try {
      const client = new Open311Client({ endpoint: server.endpoint, apiKey: 'test-key-123', format: 'xml' });
      expect(await client.services()).toMatchObject([{ serviceName: 'Alumbrado público', group: 'Vía pública' }]);
    } finally {
      await server.close();
    }
  });

  it('reads it by the XML declaration\'s encoding when the header says none', async () => {
    const server = await answering(`<?xml version="1.0" encoding="ISO-8859-1"?>${SERVICES}`, 'latin1', 'text/xml');
    try {
      const client = new Open311Client({ endpoint: server.endpoint, apiKey: 'test-key-123', format: 'xml' });
      expect(await client.services()).toMatchObject([{ serviceName: 'Alumbrado público' }]);
    } finally {
      await server.close();
    }
  });

  it('posts the form as UTF-8 and says so', async () => {
    const server = await answering('<service_requests><request><service_request_id>7</service_request_id></request></service_requests>', 'utf8', 'text/xml; charset=utf-8');
    try {
      const client = new Open311Client({ endpoint: server.endpoint, apiKey: 'test-key-123', format: 'xml' });
      await client.submit(ticket({ description: 'Farola apagada en la calle Colón' }), 'k-utf8', 1);
      const post = server.seen.find((s) => s.contentType?.startsWith('application/x-www-form-urlencoded'))!;
      expect(post.contentType).toBe('application/x-www-form-urlencoded; charset=UTF-8');
      expect(new URLSearchParams(post.body).get('description')).toContain('Colón');
    } finally {
      await server.close();
    }
  });
});
