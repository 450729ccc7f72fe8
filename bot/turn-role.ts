/*
 * What only a process that runs turns (ROLE=worker or all) needs: the dialog engine and what it is built
 * from. bot/app.ts imports this module only in such a process: botbuilder-dialogs (with Microsoft's text
 * recognizers), the classifier, the knowledge base and the LLM guard are most of a process's memory, and a
 * web process never runs a turn. In dist/ this is a chunk of its own (build.ts splits at dynamic imports).
 */
export { createLearningClassifier } from './learning-classifier';
export { createCitizenBot } from '../dialogs/citizen-bot';
export { createKnowledge } from '../dialogs/knowledge/create-knowledge';
export { createUnderstanding } from '../dialogs/understand/create-understanding';
export { apologyFor } from '../dialogs/apology';
export { CITIZEN_ID, citizenIdOf, HOLD } from '../dialogs/turn-keys';
export { installLlmSafety, RedisCallLimiter, withCitizen } from '../dialogs/llm-safety/index';
export { startTurnWorker } from '../turns/turn-worker';
export { QueueAdapter } from '../turns/queue-adapter';
export { RedisStorage } from '../turns/redis-storage';
export { CitizenDirectory } from '../turns/citizen-directory';
