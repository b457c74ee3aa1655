#!/usr/bin/env bash
# What an operator with only the AWS CLI would write: per day, copy the day's keys down, cat them in
# key order, copy the result up, remove the day's keys. Credentials come from the environment.
# Usage: aws-cli.sh ENDPOINT BUCKET FOLDER PATTERN OUTPUT_KEY [FOLDER PATTERN OUTPUT_KEY ...]
set -euo pipefail
s3=(aws --endpoint-url "$1" s3)
bucket=$2
shift 2
work=$(mktemp -d "${TMPDIR:-/tmp}/s3collapse-aws-cli-XXXXXX")
trap 'rm -rf "$work"' EXIT
while (($# >= 3)); do
  folder=$1 pattern=$2 output=$3
  shift 3
  rm -rf "$work/in" "$work/out"
  mkdir "$work/in"
  "${s3[@]}" cp --recursive --quiet "s3://$bucket/$folder" "$work/in" --exclude '*' --include "$pattern"
  # Downloaded files are named by the rest of their key: a byte-order sort is key order.
  find "$work/in" -type f -print0 | LC_ALL=C sort -z | xargs -0 cat >"$work/out"
  "${s3[@]}" cp --quiet "$work/out" "s3://$bucket/$output"
  "${s3[@]}" rm --recursive --quiet "s3://$bucket/$folder" --exclude '*' --include "$pattern"
done
