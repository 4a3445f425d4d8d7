// A node:test reporter for scripts/test.mjs: the seconds each file's tests took, as one JSON
// object by file, written when the run ends. Used where several files share a process, so that the
// next run can still order them by their own times.
export default async function* fileTimes(source) {
  const seconds = {};
  for await (const event of source) {
    if ((event.type === 'test:pass' || event.type === 'test:fail') && event.data.nesting === 0) {
      const file = event.data.file ?? '';
      seconds[file] = Math.round(((seconds[file] ?? 0) + event.data.details.duration_ms / 1000) * 10) / 10;
    }
  }
  yield `${JSON.stringify(seconds)}\n`;
}
