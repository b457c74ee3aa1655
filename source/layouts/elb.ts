import { loadBalancerLayout } from './load-balancer.js';

// Application and Network Load Balancers name themselves in file names by resource id with its `/`
// turned to `.`: `app.<name>.<16 hex>` or `net.<name>.<16 hex>` (names: up to 32 letters, digits and
// hyphens). A file per load balancer node every 5 minutes; NLBs log TLS listeners only, and name no node.
// https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-access-logs.html
// https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-access-logs.html
export const elb = loadBalancerLayout({
  id: 'elb',
  title: 'Elastic Load Balancing access logs (ALB, NLB)',
  writtenBy:
    'Elastic Load Balancing delivers a gzipped file per load balancer node every 5 minutes (NLBs: TLS listeners only), into one folder per day.',
  loadBalancer: String.raw`(?:app|net)\.[A-Za-z0-9-]{1,32}\.[0-9a-f]{16}`,
  address: 'optional',
  extension: '.log.gz',
  encoding: 'gzip',
});
