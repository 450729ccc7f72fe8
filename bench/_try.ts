import { benchBareBullmq } from '/work/main/bench/bare-bullmq';
console.log(await benchBareBullmq('redis://127.0.0.1:6379', 'bare-try'));
