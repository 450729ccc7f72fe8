import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jwt from 'jsonwebtoken';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../bot/sql/database';
import { ROOM_NAME } from '../../handoff/jitsi-rooms';
import { launchBrowser, newPage, watchForInjection } from '../support/browser';
import { createAgent, TEST_PASSWORD } from '../support/console-client';
import { writeTestCatalog } from '../support/test-catalog';
import { startTestApp, type RunningApp } from './support';

/*
 * The acceptance test for video calls (issue 15 part 2), clicked in Chromium: an agent in the
 * console presses "Videollamada" and a new tab opens the room; the citizen in the web chat widget gets a
 * button that opens the same room in a new tab of theirs; the agent ends the call and both sides see it.
 * The Jitsi server is a local HTTP server that records which room each tab asked for, with which token.
 */

const SECRET = 'jitsi-app-secret-for-the-tests-0123456789';
const dir = mkdtempSync(path.join(tmpdir(), 'video-browser-'));
let browser: Browser;
let bot: RunningApp;
let db: Db;
let jitsi: Server;
const visits: URL[] = [];

beforeAll(async () => {
  jitsi = createServer((req, res) => {
    visits.push(new URL(req.url ?? '/', 'http://jitsi.test'));
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Sala de videollamada</title><p>Jitsi</p>');
  });
  jitsi.listen(0, '127.0.0.1');
  await once(jitsi, 'listening');
  const jitsiUrl = `http://127.0.0.1:${(jitsi.address() as AddressInfo).port}`;
  [browser, bot] = await Promise.all([launchBrowser(), startTestApp({
    CATALOG: writeTestCatalog(dir), VIDEO_JITSI_URL: jitsiUrl, VIDEO_JITSI_APP_ID: 'citybot', VIDEO_JITSI_APP_SECRET: SECRET, VIDEO_JITSI_SUBJECT: 'meet.example.org',
  })]);
  db = await openDatabase({ sqlitePath: bot.sqlitePath });
  await createAgent(db, 'ana@ajuntament.cat', 'Ana', ['atencion-ciudadana', 'mantenimiento-urbano']);
});
afterAll(async () => {
  await browser?.close();
  await db?.close();
  await bot?.stop();
  jitsi?.close();
  rmSync(dir, { recursive: true, force: true });
});

const poll = <T>(fn: () => T | Promise<T>) => expect.poll(fn, { timeout: 15_000 });
const botBubble = (page: Page, text: string | RegExp) => page.locator('.cw-log .cw-bot', { hasText: text });

/** The room a tab opened and the claims of its token, checked with the secret. */
function roomOf(url: string): { room: string; claims: jwt.JwtPayload } {
  const u = new URL(url);
  return { room: u.pathname.slice(1), claims: jwt.verify(u.searchParams.get('jwt') ?? '', SECRET, { algorithms: ['HS256'], audience: 'jitsi', issuer: 'citybot' }) as jwt.JwtPayload };
}

describe('a video call from the console to the web chat', () => {
  it('opens the room for the agent from "Videollamada", gives the citizen a button that opens it, and ends it', async () => {
    const agent = await newPage(browser);
    const seen = watchForInjection(agent);
    await agent.goto(`${bot.url}/console`);
    await agent.getByTestId('login-email').fill('ana@ajuntament.cat');
    await agent.getByTestId('login-password').fill(TEST_PASSWORD);
    await agent.getByTestId('login-submit').click();
    await poll(() => agent.getByTestId('logout').isVisible()).toBe(true);

    const citizen = await newPage(browser);
    await citizen.goto(bot.url);
    await citizen.getByRole('button', { name: 'Abrir el chat de atención ciudadana' }).click();
    await poll(() => botBubble(citizen, '¡Hola!').count()).toBe(1);
    await citizen.getByLabel('Escribe tu mensaje').fill('quiero hablar con una persona');
    await citizen.getByLabel('Escribe tu mensaje').press('Enter');
    await poll(() => botBubble(citizen, 'en la cola').count()).toBe(1);

    await poll(() => agent.getByTestId('queue-item').count()).toBe(1);
    await agent.getByTestId('queue-item').first().click();
    // Not the agent's yet: no video call to offer.
    await poll(() => agent.getByTestId('claim-button').isVisible()).toBe(true);
    expect(await agent.getByTestId('video-start').isVisible()).toBe(false);
    await agent.getByTestId('claim-button').click();
    await poll(() => botBubble(citizen, 'te atiende Ana').count()).toBe(1);

    // "Videollamada": a new tab goes to the room, with the agent's own moderator token.
    await poll(() => agent.getByTestId('video-start').isVisible()).toBe(true);
    const [agentTab] = await Promise.all([agent.context().waitForEvent('page'), agent.getByTestId('video-start').click()]);
    await agentTab.waitForURL((u) => ROOM_NAME.test(u.pathname.slice(1)));
    await poll(() => agentTab.title()).toBe('Sala de videollamada');
    const mine = roomOf(agentTab.url());
    expect(mine.claims).toMatchObject({ room: mine.room, sub: 'meet.example.org', context: { user: { name: 'Ana', moderator: true } } });
    // The new tab has no handle on the console.
    expect(await agentTab.evaluate(() => window.opener)).toBeNull();
    await poll(() => agent.getByTestId('video-status').textContent()).toMatch(/Videollamada en curso/);
    await poll(() => agent.getByTestId('event').filter({ hasText: 'empezó una videollamada' }).count()).toBe(1);
    await poll(() => agent.locator('[data-testid="transcript-message"][data-from="agent"]', { hasText: 'te invita a una videollamada' }).count()).toBe(1);
    expect(await agent.getByTestId('video-start').isVisible()).toBe(false);
    expect(await agent.getByTestId('video-end').isVisible()).toBe(true);

    // The citizen's widget: the invitation, named, with a button that opens the same room in a new tab.
    const invite = botBubble(citizen, 'Ana te invita a una videollamada');
    await poll(() => invite.count()).toBe(1);
    expect(await invite.locator('.cw-name').textContent()).toBe('Ana');
    const join = invite.getByRole('button', { name: 'Entrar en la llamada' });
    const [citizenTab] = await Promise.all([citizen.context().waitForEvent('page'), join.click()]);
    await citizenTab.waitForURL((u) => ROOM_NAME.test(u.pathname.slice(1)));
    await poll(() => citizenTab.title()).toBe('Sala de videollamada');
    const theirs = roomOf(citizenTab.url());
    expect(theirs.room).toBe(mine.room);
    expect(theirs.claims).toMatchObject({ room: mine.room, context: { user: { moderator: false, name: 'Ciudadano/a' } } });
    expect(await citizenTab.evaluate(() => window.opener)).toBeNull();
    // The button stays with its message: the agent's next words do not take it away.
    await agent.getByTestId('composer-input').fill('Le espero en la sala');
    await agent.getByTestId('composer-send').click();
    await poll(() => botBubble(citizen, 'Le espero en la sala').count()).toBe(1);
    expect(await join.isVisible()).toBe(true);
    // Both tabs reached the server for the one room.
    expect(visits.filter((v) => v.pathname === `/${mine.room}`)).toHaveLength(2);

    // The agent ends it: the citizen is told, the console records it and offers a new call.
    await agent.getByTestId('video-end').click();
    await poll(() => botBubble(citizen, 'La videollamada ha terminado').count()).toBe(1);
    await poll(() => agent.getByTestId('event').filter({ hasText: 'terminó la videollamada' }).count()).toBe(1);
    await poll(() => agent.getByTestId('video-start').isVisible()).toBe(true);
    expect(await agent.getByTestId('video-end').isVisible()).toBe(false);

    // A second call is a new room. After a reload the console reads from the handoff's events that it is
    // on, and "Volver a la videollamada" opens the same room without inviting the citizen again.
    const [secondTab] = await Promise.all([agent.context().waitForEvent('page'), agent.getByTestId('video-start').click()]);
    await secondTab.waitForURL((u) => ROOM_NAME.test(u.pathname.slice(1)));
    const second = roomOf(secondTab.url()).room;
    expect(second).not.toBe(mine.room);
    await poll(() => botBubble(citizen, 'te invita a una videollamada').count()).toBe(2);
    await agent.reload();
    await poll(() => agent.getByTestId('mine-item').count()).toBe(1);
    await agent.getByTestId('mine-item').first().click();
    await poll(() => agent.getByTestId('video-rejoin').isVisible()).toBe(true);
    expect(await agent.getByTestId('video-start').isVisible()).toBe(false);
    const [rejoined] = await Promise.all([agent.context().waitForEvent('page'), agent.getByTestId('video-rejoin').click()]);
    await rejoined.waitForURL((u) => ROOM_NAME.test(u.pathname.slice(1)));
    expect(roomOf(rejoined.url()).room).toBe(second);
    await agent.getByTestId('video-end').click();
    await poll(() => botBubble(citizen, 'La videollamada ha terminado').count()).toBe(2);
    expect(await botBubble(citizen, 'te invita a una videollamada').count()).toBe(2);

    const events = await db.kysely.selectFrom('handoff_events').select(['kind', 'note']).where('kind', 'like', 'video%').orderBy('id').execute();
    expect(events).toEqual([
      { kind: 'video_started', note: mine.room }, { kind: 'video_ended', note: mine.room },
      { kind: 'video_started', note: second }, { kind: 'video_ended', note: second },
    ]);
    expect(seen.errors).toEqual([]);
  });
});
