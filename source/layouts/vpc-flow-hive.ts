import { vpcFlowHiveLayout } from './flow-log.js';

// The Hive-compatible S3 prefixes option:
// `<root>AWSLogs/aws-account-id=<account>/aws-service=vpcflowlogs/aws-region=<region>/year=YYYY/month=MM/day=DD/[hour=HH/]<same file name>`
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html
export const vpcFlowHive = vpcFlowHiveLayout();
