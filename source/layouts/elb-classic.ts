import { loadBalancerLayout } from './load-balancer.js';

// Classic Load Balancers name themselves by name (up to 32 letters, digits and hyphens: never the
// dots of an ALB or NLB id) and write plain text `.log` files, every 5 or 60 minutes (60 by default).
// https://docs.aws.amazon.com/elasticloadbalancing/latest/classic/access-log-collection.html
export const elbClassic = loadBalancerLayout({
  id: 'elb-classic',
  title: 'Classic Load Balancer access logs',
  writtenBy:
    'A Classic Load Balancer delivers a plain-text file per node every 60 minutes (or 5, if so set), into one folder per day.',
  loadBalancer: '[A-Za-z0-9-]{1,32}',
  address: 'required',
  extension: '.log',
  encoding: 'plain',
});
