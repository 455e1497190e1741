/**
 * The deployment files, checked offline: docker-compose.replicas.yml (PostgreSQL, replicas, a load balancer, health
 * checks), deploy/haproxy.cfg (haproxy -c when HAProxy is installed), deploy/kubernetes/ (a Deployment with replicas,
 * a Service, the database URL from a Secret, readiness on /__sim/health).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { PROJECT_ROOT } from '../simulator/core/paths.js';

const read = (f: string) => readFileSync(join(PROJECT_ROOT, f), 'utf8');

describe('deployment files', () => {
  it('docker-compose.replicas.yml: PostgreSQL with a health check, three replicas on it, HAProxy in front', () => {
    const c = parse(read('docker-compose.replicas.yml')) as { services: Record<string, any> };
    expect(c.services.postgres.healthcheck.test.join(' ')).toContain('pg_isready');
    expect(c.services.simulator.deploy.replicas).toBe(3);
    expect(c.services.simulator.environment.SIM_STORE).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
    expect(c.services.simulator.depends_on.postgres.condition).toBe('service_healthy');
    expect(c.services.lb.volumes[0]).toContain('deploy/haproxy.cfg');
    expect(c.services.lb.ports).toContain('8080:8080');
  });

  it('deploy/haproxy.cfg: round-robin, health on /__sim/health with a Host the simulator answers to; valid for HAProxy', () => {
    const cfg = read('deploy/haproxy.cfg');
    expect(cfg).toMatch(/balance roundrobin/);
    expect(cfg).toMatch(/http-check send meth GET uri \/__sim\/health ver HTTP\/1\.1 hdr Host localhost/);
    expect(cfg).not.toMatch(/\bcookie\b|\bstick\b/); // no affinity
    const bin = ['haproxy', '/usr/sbin/haproxy'].find((b) => spawnSync(b, ['-v']).status === 0);
    if (!bin) return; // not installed here (.ci/run installs it)
    const check = spawnSync(bin, ['-c', '-f', join(PROJECT_ROOT, 'deploy', 'haproxy.cfg')], { encoding: 'utf8' });
    expect(check.status, check.stdout + check.stderr).toBe(0);
  });

  it('deploy/kubernetes: a Deployment of replicas with the database URL from a Secret and readiness on health, and its Service', () => {
    const docs = parseAllDocuments(read('deploy/kubernetes/simulator.yaml')).map((d) => d.toJS() as any);
    const kinds = Object.fromEntries(docs.map((d) => [d.kind, d]));
    expect(Object.keys(kinds).sort()).toEqual(['Deployment', 'Secret', 'Service']);
    const dep = kinds.Deployment;
    expect(dep.spec.replicas).toBeGreaterThan(1);
    const container = dep.spec.template.spec.containers[0];
    expect(container.readinessProbe.httpGet.path).toBe('/__sim/health');
    const store = container.env.find((e: { name: string }) => e.name === 'SIM_STORE');
    expect(store.valueFrom.secretKeyRef.name).toBe(kinds.Secret.metadata.name);
    expect(kinds.Secret.stringData[store.valueFrom.secretKeyRef.key]).toMatch(/^postgres:\/\//);
    expect(kinds.Service.spec.selector).toEqual(dep.spec.selector.matchLabels);
    expect(kinds.Service.spec.sessionAffinity ?? 'None').toBe('None');
  });
});
