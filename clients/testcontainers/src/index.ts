/**
 * A Testcontainers module for the marking-systems simulator: starts the image, waits for /__sim/health, and gives
 * each system's base URL (under the main port, and on the system's own port at its real paths), a typed control-plane
 * client, and a fresh isolated world per test.
 *
 * @example
 * const sim = await new MarkingSimulatorContainer('marking-sim:latest').withScenario('mcoi-rate-limit').withClock('2026-03-02T09:00:00Z').start();
 * const world = await sim.newWorld();                       // a world of its own for this test
 * await fetch(`${world.systems.mcoi}/api/users/authenticate`, ...);
 * await world.control.clock.advance('24h');
 * await sim.stop();
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { AbstractStartedContainer, GenericContainer, Wait, type StartedTestContainer } from 'testcontainers';
import { ControlClient } from '../../../simulator/control/client.js';

/** The main port (every system under its base, and /__sim) and each system's own port (its real paths). */
export const MAIN_PORT = 8080;
export const SYSTEM_PORTS = { mcoi: 8081, 'true-api': 8082, 'id-issuer': 8083, setmark: 8084 } as const;
export type SystemId = keyof typeof SYSTEM_PORTS;
/** The path below its own port where a system's operations start (True API's real base). */
const REAL_BASE: Record<SystemId, string> = { mcoi: '', 'true-api': '/api/v3/true-api', 'id-issuer': '', setmark: '' };

export interface World {
  id: string;
  /** The world's base URL: `<simulator>/w/<id>`. */
  baseUrl: string;
  /** Each system's base URL in the world (`.../w/<id>/mcoi`). */
  systems: Record<SystemId, string>;
  /** The world's own control plane. */
  control: ControlClient;
  delete(): Promise<void>;
}

export class MarkingSimulatorContainer extends GenericContainer {
  private scenario?: string;
  private clock?: { start: string; frozen: boolean };
  private token?: string;

  constructor(image = 'marking-sim:latest') {
    super(image);
    this.withExposedPorts(MAIN_PORT, ...Object.values(SYSTEM_PORTS))
      .withEnvironment({ SIM_STORE: 'memory', SIM_ALLOWED_HOSTS: '*' })
      .withWaitStrategy(Wait.forHttp('/__sim/health', MAIN_PORT).forStatusCode(200))
      .withStartupTimeout(60_000);
  }

  /** A scenario active from the start: a file (copied into the container), or the name of a shipped one. */
  withScenario(fileOrName: string): this {
    if (existsSync(fileOrName)) {
      const target = `/scenarios/${basename(fileOrName)}`;
      this.withCopyFilesToContainer([{ source: resolve(fileOrName), target }]).withEnvironment({ SIM_SCENARIO: target });
    } else this.scenario = fileOrName;
    return this;
  }

  /** The virtual clock from this instant, frozen unless `frozen: false` (tests move it with control.clock.advance). */
  withClock(start: string | Date, o: { frozen?: boolean } = {}): this {
    this.clock = { start: typeof start === 'string' ? start : start.toISOString(), frozen: o.frozen ?? true };
    return this;
  }

  /** Locks the control plane with SIM_CONTROL_TOKEN; the module's clients send it. */
  withControlToken(token: string): this {
    this.token = token;
    return this.withEnvironment({ SIM_CONTROL_TOKEN: token });
  }

  /** Any other setting (SIM_RATE_LIMITS, SIM_TIMINGS, SIM_STORE=postgres://..., ...). */
  withSetting(name: `SIM_${string}`, value: string): this {
    return this.withEnvironment({ [name]: value });
  }

  override async start(): Promise<StartedMarkingSimulatorContainer> {
    const started = new StartedMarkingSimulatorContainer(await super.start(), this.token);
    try {
      if (this.scenario) await started.control.scenarios.activate(this.scenario);
      if (this.clock) {
        await started.control.clock.set(this.clock.start);
        await (this.clock.frozen ? started.control.clock.freeze() : started.control.clock.unfreeze());
      }
    } catch (e) {
      await started.stop();
      throw e;
    }
    return started;
  }
}

export class StartedMarkingSimulatorContainer extends AbstractStartedContainer {
  /** The simulator's control plane (/__sim). */
  readonly control: ControlClient;

  constructor(
    started: StartedTestContainer,
    private readonly token?: string,
  ) {
    super(started);
    this.control = new ControlClient({ url: this.baseUrl(), token });
  }

  /** `http://<host>:<port>`: every system under its base, the control plane under /__sim. */
  baseUrl(): string {
    return `http://${this.getHost()}:${this.getMappedPort(MAIN_PORT)}`;
  }

  /** A system's base URL under the main port (`.../mcoi`). */
  systemUrl(system: SystemId): string {
    return `${this.baseUrl()}/${system}`;
  }

  /** A system on its own port at its real paths: a client changes only scheme, host and port. */
  realUrl(system: SystemId): string {
    return `http://${this.getHost()}:${this.getMappedPort(SYSTEM_PORTS[system])}${REAL_BASE[system]}`;
  }

  /** A fresh world of its own (its own data, ids, clock, scenario, journal, report card), deleted with `delete()`. */
  async newWorld(o: { id?: string; seed?: number; scenario?: string; ttlMs?: number } = {}): Promise<World> {
    const made = await this.control.worlds.create({ ttlMs: 3_600_000, ...o });
    const baseUrl = `${this.baseUrl()}/w/${made.id}`;
    return {
      id: made.id,
      baseUrl,
      systems: Object.fromEntries(Object.keys(SYSTEM_PORTS).map((s) => [s, `${baseUrl}/${s}`])) as Record<SystemId, string>,
      control: this.control.world(made.id),
      delete: () => this.control.worlds.delete(made.id),
    };
  }
}
