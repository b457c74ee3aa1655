import { vpcFlowLayout } from './flow-log.js';

// `<root>AWSLogs/<account>/vpcflowlogs/<region>/YYYY/MM/DD/[HH/]<account>_vpcflowlogs_<region>_<flow log id>_<YYYYMMDDTHHmmZ>_<hash>.log.gz`
// https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html
export const vpcFlow = vpcFlowLayout();
