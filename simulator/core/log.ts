/**
 * The simulator's log: one structured line per request (method, path, system, operationId, status, ms, fault,
 * principal) and what an operator needs (start-up, errors), through pino. JSON for machines, pretty for people.
 *
 * @example
 * const log = createLogger({ level: 'info', format: 'pretty' });
 * log.info({ port: 8080 }, 'simulator listening on :8080');
 */
import { pino, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';

export type Logger = PinoLogger;

export const LOG_LEVELS = ['silent', 'error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export function createLogger(opts: { level: LogLevel; format: LogFormat; destination?: NodeJS.WritableStream }): Logger {
  const options = { level: opts.level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  if (opts.format === 'pretty') {
    // Synchronous, in-process: no worker thread, nothing lost at exit.
    return pino(options, pretty({ sync: true, colorize: false, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname', destination: opts.destination ?? process.stdout }));
  }
  return pino(options, opts.destination ?? pino.destination({ sync: true }));
}

/** A logger that writes nothing (tests, benchmarks). */
export const silentLogger = (): Logger => pino({ level: 'silent' });
