#!/usr/bin/env bash
# Runs ./bench loghub on every Loghub 2k sample of the data folder with the Loghub benchmark's format strings
# (logpai/logparser benchmark settings; nothing else is set per system) and prints one JSON line per system.
# Usage: benchmarks/scripts/loghub-all.sh [DATA_DIR] [structured|corrected] [extra ./bench options...]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
data="${1:-$root/../shared/data/loghub}"
truth="${2:-structured}"
shift $(( $# > 2 ? 2 : $# )) || true
declare -A formats=(
  [HDFS]='<Date> <Time> <Pid> <Level> <Component>: <Content>'
  [Hadoop]='<Date> <Time> <Level> \[<Process>\] <Component>: <Content>'
  [Spark]='<Date> <Time> <Level> <Component>: <Content>'
  [Zookeeper]='<Date> <Time> - <Level>  \[<Node>:<Component>@<Id>\] - <Content>'
  [BGL]='<Label> <Timestamp> <Date> <Node> <Time> <NodeRepeat> <Type> <Component> <Level> <Content>'
  [HPC]='<LogId> <Node> <Component> <State> <Time> <Flag> <Content>'
  [Thunderbird]='<Label> <Timestamp> <Date> <User> <Month> <Day> <Time> <Location> <Component>(\[<PID>\])?: <Content>'
  [Windows]='<Date> <Time>, <Level>                  <Component>    <Content>'
  [Linux]='<Month> <Date> <Time> <Level> <Component>(\[<PID>\])?: <Content>'
  [Android]='<Date> <Time>  <Pid>  <Tid> <Level> <Component>: <Content>'
  [HealthApp]='<Time>\|<Component>\|<Pid>\|<Content>'
  [Apache]='\[<Time>\] \[<Level>\] <Content>'
  [Proxifier]='\[<Time>\] <Program> - <Content>'
  [OpenSSH]='<Date> <Day> <Time> <Component> sshd\[<Pid>\]: <Content>'
  [OpenStack]='<Logrecord> <Date> <Time> <Pid> <Level> <Component> \[<ADDR>\] <Content>'
  [Mac]='<Month>  <Date> <Time> <User> <Component>\[<PID>\]( \(<Address>\))?: <Content>'
)
for system in HDFS Hadoop Spark Zookeeper BGL HPC Thunderbird Windows Linux Android HealthApp Apache Proxifier OpenSSH OpenStack Mac; do
  log="$data/$system/${system}_2k.log"
  [ -f "$log" ] || continue
  structured="$data/$system/${system}_2k.log_structured.csv"
  [ "$truth" = corrected ] && structured="$data/$system/${system}_2k.log_structured_corrected.csv"
  result="$("$root/bench" loghub --log "$log" --structured "$structured" --format "${formats[$system]}" "$@" 2>/dev/null | tail -1)"
  echo "{\"system\":\"$system\",\"truth\":\"$truth\",${result#\{}"
done
