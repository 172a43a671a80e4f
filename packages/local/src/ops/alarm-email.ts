/**
 * The e-mail SNS delivers for a CloudWatch alarm notification, rendered in the same text layout
 * as on AWS (docs/operations.md shows one), so an operator reads the same message from a laptop
 * and from production. The one local difference: the link goes to ArtAI's status page instead of
 * the AWS console.
 */
import type { AlarmNotification } from "./alarm.ts";

const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const pad = (n: number) => String(n).padStart(2, "0");

/** `Saturday 28 November, 2026 17:03:00 UTC`, as alarm e-mails write times. */
export function emailTime(cloudwatchTime: string): string {
  const d = new Date(Date.parse(cloudwatchTime.replace(/([+-]\d{2})(\d{2})$/, "$1:$2")));
  return `${DAYS[d.getUTCDay()]} ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}, ${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

const decimal = (n: number) => (Number.isInteger(n) ? n.toFixed(1) : String(n));
const row = (label: string, value: string, width: number) =>
  `- ${`${label}:`.padEnd(width)}${value}`;

/** The subject line: `ALARM: "artai-local-requests-over-10000-in-24h" in US East (N. Virginia)`. */
export const alarmSubject = (n: AlarmNotification) =>
  `${n.NewStateValue}: "${n.AlarmName}" in ${n.Region}`.slice(0, 100);

/** The plain-text body of the alarm e-mail. */
export function alarmBody(n: AlarmNotification, options: { link: string; topicArn: string }) {
  const time = emailTime(n.StateChangeTime);
  const t = n.Trigger;
  const dimensions = t.Dimensions.map((d) => `${d.name} = ${d.value}`).join(", ");
  const statistic = t.Statistic.charAt(0) + t.Statistic.slice(1).toLowerCase();
  return [
    `You are receiving this email because your Amazon CloudWatch Alarm "${n.AlarmName}" in the ${n.Region} region has entered the ${n.NewStateValue} state, because "${n.NewStateReason}" at "${time}".`,
    "",
    "View this alarm on the ArtAI status page:",
    options.link,
    "",
    "Alarm Details:",
    row("Name", n.AlarmName, 28),
    row("Description", n.AlarmDescription, 28),
    row("State Change", `${n.OldStateValue} -> ${n.NewStateValue}`, 28),
    row("Reason for State Change", n.NewStateReason, 28),
    row("Timestamp", time, 28),
    row("AWS Account", n.AWSAccountId, 28),
    row("Alarm Arn", n.AlarmArn, 28),
    "",
    "Threshold:",
    `- The alarm is in the ALARM state when the metric is ${t.ComparisonOperator} ${decimal(t.Threshold)} for at least ${t.DatapointsToAlarm} of the last ${t.EvaluationPeriods} period(s) of ${t.Period} seconds.`,
    "",
    "Monitored Metric:",
    row("MetricNamespace", t.Namespace, 37),
    row("MetricName", t.MetricName, 37),
    row("Dimensions", `[${dimensions}]`, 37),
    row("Period", `${t.Period} seconds`, 37),
    row("Statistic", statistic, 37),
    row("Unit", t.Unit ?? "not specified", 37),
    row("TreatMissingData", t.TreatMissingData, 37),
    "",
    "",
    "State Change Actions:",
    `- OK: [${n.OKActions.join(", ")}]`,
    `- ALARM: [${n.AlarmActions.join(", ")}]`,
    `- INSUFFICIENT_DATA:${n.InsufficientDataActions.length ? ` [${n.InsufficientDataActions.join(", ")}]` : ""}`,
    "",
    "",
    "--",
    `This message was delivered by ArtAI's local SNS topic ${options.topicArn} to its e-mail subscription.`,
    "",
  ].join("\n");
}
