import type { EmergencyLexicon } from './lexicon';

/**
 * Round 9 of the built-in lexicon: broader synonyms, verb families (by prefix) and the body's signs
 * (chest pain, blue lips, an asthma attack), written from how people describe each danger rather than
 * from missed phrasings; merged into DEFAULT_LEXICON. Kept apart so the base stays readable and
 * this round's effect can be measured on its own (docs/emergencies.md).
 *
 * Read this before changing: every term here was weighed against the ordinary reports of
 * tests/fixtures/emergency (zero false alarms is asserted). Prefixes (`*`) are checked against
 * real words too: `dispar*` would catch "disparate", `prend*` alone "prendida" (Argentine "on").
 */
export const BROADER_LEXICON: Pick<EmergencyLexicon, 'concepts' | 'signals'> = {
  concepts: {
    // Not "haha": without its h it folds to "a" (fold.ts).
    attackVerb: ['esta mossegant', 'mossegant', 'is biting', 'biting a', 'esta mordiendo', 'ha mordido a'],
    electric: ['streetlamp', 'street lamp', 'streetlamps'],
    // ---- round 10: situations (carbon monoxide, a gas bottle hissing, vehicles on their side, pits, people under a collapse) ----
    coSource: ['brasero', 'braser', 'estufa', 'estufa de gas', 'estufa de butano', 'calentador', 'heater', 'gas heater', 'patio heater', 'gas fire', 'calefactor', 'stove'],
    coSymptom: ['no la despierto', 'no lo despierto', 'no despierta', 'no se despierta', 'no es desperta', 'no el podem despertar', 'no la podem despertar', 'won t wake', 'wont wake', 'can t wake', 'mareados', 'mareadas', 'marejats', 'dizzy', 'drowsy', 'duele la cabeza a todos', 'nos duele la cabeza', 'dolor de cabeza', 'headaches', 'mal de cap', 'se ha quedado dormida', 'se ha quedado dormido', 'endormiscat', 'endormiscada'],
    gasContainer: ['bombona', 'bombona de butano', 'bombona de buta', 'garrafa', 'gas bottle', 'gas cylinder', 'botella de gas', 'camping gas'],
    leakSign: ['silbido', 'silba', 'silbando', 'xiula', 'xiulant', 'hissing', 'hisses', 'fuga', 'fuita', 'escape', 'se escapa', 'leaking', 'leak', 'huele fatal', 'fa pudor', 'stinks', 'pierde gas', 'perd gas'],
    overturned: ['volcado', 'volcada', 'se ha volcado', 'volco', 'bolcat', 's ha bolcat', 'bolcada', 'overturned', 'flipped over', 'has flipped', 'on its side', 'on its roof', 'panza arriba', 'rolled over'],
    headOn: ['choque frontal', 'de frente contra', 'head on', 'head first into', 'se han dado de frente', 'han xocat de front', 'xoc frontal'],
    pit: ['zanja', 'zanjas', 'pozo', 'agujero', 'rasa', 'forat', 'pou', 'trench', 'hole', 'well', 'sima', 'arqueta', 'manhole', 'alcantarilla', 'claveguera'],
    lyingDown: ['tirado', 'tirada', 'tirao', 'tumbado', 'tumbada', 'lying', 'estirat', 'estirada', 'estes', 'estesa', 'en el piso', 'en el suelo', 'a terra', 'on the ground'],
    pole: ['poste de la luz', 'poste de luz', 'poste electrico', 'postes de luz', 'pal de llum', 'pal de la llum', 'electricity pole', 'power pole', 'utility pole', 'telegraph pole', 'electric pole', 'torre electrica', 'pylon'],
    peopleUnder: ['gente debajo', 'gent a sota', 'people underneath', 'people under', 'personas debajo', 'alguien debajo', 'someone underneath', 'algu a sota', 'gente dentro', 'gent a dins', 'people inside', 'con gente', 'amb gent', 'with people', 'obreros encima', 'trabajadores dentro', 'workers inside', 'treballadors a dins', 'con dos obreros', 'with workers'],
    bigChunks: ['trozos grandes', 'trozos enormes', 'cascotes grandes', 'trossos grossos', 'trossos enormes', 'big chunks', 'large chunks', 'huge chunks', 'grandes trozos'],
    swaying: ['se balancea', 'balanceandose', 'se esta doblando', 'doblandose', 's esta doblegant', 'is bending', 'bending', 'swaying', 'wobbling', 'se tambalea', 'tambaleandose', 'trontolla', 'se mueve mucho', 'es mou molt'],
    cantGetOut: ['no puede salir', 'no pueden salir', 'no pot sortir', 'no poden sortir', 'can t get out', 'cannot get out', 'no puedo salir', 'no podemos salir'],
    binWords: ['contenedor', 'contenedores', 'papelera', 'basura', 'contenidor', 'contenidors', 'paperera', 'escombraries', 'bin', 'bins', 'rubbish', 'container', 'wheelie bin'],
    leisure: ['tomando el sol', 'prenent el sol', 'sunbathing', 'siesta', 'durmiendo la siesta', 'bebiendo', 'drinking', 'picnic', 'cesped', 'gespa', 'grass', 'lawn', 'playa', 'platja', 'beach', 'descansando', 'relaxing', 'leyendo', 'reading'],
    joke: ['jaja', 'jajaja', 'jajaj', 'jejeje', 'jeje', 'lol', 'lool', 'xd', 'lmao', 'rofl'],
    exclude: [
      'llar de foc', 'llars de foc', 'wood burner', 'log burner', 'wood stove', 'estufa de lena', 'donar sangre', 'donacion de sangre', 'donar sang', 'donate blood', 'blood donation', 'analisis de sangre',
      'analitica de sangre', 'analitica de sang', 'blood test', 'blood tests', 'manchas de sangre', 'mancha de sangre', 'restos de sangre', 'blood stains', 'blood stain', 'dried blood', 'taques de sang', 'taca de sang', 'sangre fria', 'me hierve la sangre', 'me quema la sangre', 'killing me', 'me mata', 'me matan', 'em mata',
      'crema solar', 'crema catalana', 'crema de', 'crema hidratante', 'sun cream', 'ground floor', 'ground level', 'planta baja'],
    // Not "ll": it folds to "i", like "y" and "hi" (fold.ts).
    hypothetical: ['will', 'would', 'gonna', 'se va a hacer', 'se podria', 'es podria', 'es pot fer', 'alguien se va a', 'algun dia', 'some day', 'one day'],
    past: [
      'cuando hace viento', 'cuando llueve', 'cuando pasa', 'cuando pasan', 'when it s windy', 'when it rains', 'whenever', 'quan fa vent', 'quan plou', 'quan passa', 'cada vez que llueve',
      'cada domingo', 'cada sabado', 'cada lunes', 'los domingos', 'los sabados', 'los fines de semana', 'todos los domingos', 'todos los fines de semana', 'cada fin de semana', 'cada diumenge', 'els diumenges', 'els caps de setmana',
      'cada cap de setmana', 'every sunday', 'every saturday', 'on sundays', 'at weekends', 'on weekends', 'every winter', 'cada invierno', 'cada hivern', 'en invierno', 'a l hivern', 'in winter', 'weeks back', 'few weeks back',
      'desde el verano', 'since the summer', 'des de l estiu',
    ],
    tamedSmoke: ['plancha', 'fritanga', 'fritura', 'frituras', 'fritos', 'fregit', 'fregits', 'frying', 'fried', 'chip fat', 'parrilla', 'asador', 'grill', 'cooking smoke', 'chimenea de lena', 'chimeneas de lena', 'lena', 'llenya', 'garden waste', 'restos de poda'],
    tamedFire: ['sopa', 'tostada', 'tostadas', 'arroz', 'toast', 'torrades', 'restos de poda', 'garden waste', 'rastrojo', 'bidon', 'para calentarse', 'calentarse', 'keep warm', 'escalfar se', 'pintada', 'grafiti', 'grafitis', 'graffiti'],
    fire: [
      'prend* fuego', 'agarr* fuego', 'incendi*', 'llamarada', 'llamaradas', 'cal* foc', 'pren* foc', 'agaf* foc', 'ha pres foc', 'cremant', 'crema el', 'crema la', 'crema l', 'cremen', 'esta cremant se', 'set alight', 'set on fire', 'went up in flames',
      'going up in flames', 'inferno', 'burning down', 'flames coming', 'flames everywhere', 'fuego por todos lados', 'las llamas llegan', 'les flames arriben',
      'crema', 'empez* a arder', 'empez* a quemarse', 'comenc* a cremar', 'a cremar', 'start* to burn', 'burst into flames', 'bursts into flames', 'soltar fuego', 'soltando fuego', 'echando fuego', 'sale fuego', 'salen fuego'],
    smokeCue: [
      'lleno', 'llena', 'llenando', 'pasillo', 'rendija', 'rendijas', 'no se puede respirar', 'no se ve nada', 'no vemos nada', 'no podemos respirar', 'ple', 'plena', 'passadis', 'no es pot respirar', 'no veiem res',
      'under the door', 'can t see', 'can t breathe', 'hallway', 'corridor', 
    ],
    smoking: ['lleno de humo', 'llena de humo', 'ple de fum', 'plena de fum', 'full of smoke', 'filled with smoke', 'filling with smoke'],
    gasBefore: ['apesta a', 'apesta', 'peste', 'tufo', 'tufo a', 'olorcito a', 'huele fuerte a', 'put a', 'pesta de', 'pesta a', 'whiff', 'stinks', 'stink', 'reeks', 'reek', 'can smell', 'smell of'],
    gasAfter: ['hissing', 'silbando', 'silba', 'xiulant', 'smell', 'smells', 'stink', 'stench', 'olor', 'pudor', 'tufo'],
    injurySevere: [
      'golpe en la cabeza', 'golpazo en la cabeza', 'cop al cap', 'hit his head', 'hit her head', 'banged his head', 'banged her head', 'head injury', 'se ha roto la pierna', 'se rompio la pierna', 'pierna rota', 'se ha roto el brazo', 'fractura abierta',
      'hueso fuera', 'broken leg', 'broken arm', 'broke his leg', 'broke her leg', 's ha trencat la cama', 'cama trencada', 'sangra', 'sangrando', 'sagna', 'li raja sang', 'le sale sangre', 'bleeds', 'blood pouring', 'sangre en la cabeza', 'sang al cap', 'blood on his head',
      'blood on her head', 'arroll*', 'cut himself', 'cut herself', 'se ha cortado con', 's ha tallat amb', 'se ha quemado la mano', 'se ha quemado la cara', 'quemaduras', 'burned himself', 'burned herself', 'burnt himself', 'burnt herself', 'se ha electrocutado', 'electrocut*',
      'desangr*', 'dessagn*', 'bleeding out', 'pierna doblada', 'leg is bent', 'bent the wrong way', 'cama girada', 'cama doblegada', 'hueso salido', 'bone sticking out', 'os sortit', 'aceite hirviendo', 'agua hirviendo', 'boiling oil', 'boiling water', 'oli bullint', 'aigua bullint', 'piel levantada', 'skin peeling off', 'quemadura grave'],
    injury: ['sangre', 'sang', 'blood', 'hurt', 'malherido', 'malherida', 'lastimado', 'lastimada', 'fet mal'],
    unconscious: [
      'desvaneci*', 'sin sentido', 'perdido el sentido', 'perdio el sentido', 'no da senales de vida', 'no da senyals de vida', 'sin pulso', 'no tiene pulso', 'no le encuentro el pulso', 'no pulse', 'no heartbeat', 'sense pols', 'respira mal', 'le cuesta respirar',
      'respira con dificultad', 'casi no respira', 'apenas respira', 'gairebe no respira', 'aren t breathing', 'barely breathing', 'hardly breathing', 'struggling to breathe', 'can barely breathe', 'no pot respirar be', 'cara azul', 'labios azules', 'se esta poniendo azul', 'blue in the face',
      'lips look blue', 'lips are blue', 'convuls*', 'ataque epileptico', 'crisis epileptica', 'epileptic fit', 'dolor en el pecho', 'dolor de pecho', 'le duele el pecho', 'duele mucho el pecho', 'se agarra el pecho', 'chest pain', 'chest pains', 'pain in his chest',
      'pain in her chest', 'mal al pit', 'dolor al pit', 'fa molt mal el pit', 'ataque de asma', 'crisis de asma', 'asthma attack', 'atac d asma', 'reaccion alergica', 'anafila*', 'allergic reaction', 'se le hincha la garganta', 'throat is swelling', 'throat swelling',
      'no vuelve en si', 'no torna en si', 'won t come round', 'wont come round', 'not coming round', 'hasn t come round', 'habla raro', 'no habla bien', 'no parla be', 'arrastra las palabras', 'speech is slurred', 'speech is weird', 'slurring', 'boca torcida',
      'se ahoga', 'se esta ahogando', 'ahogandose', 's ofega', 'choking', 'sudando frio', 'sudor frio', 'suant fred', 'cold sweat', 'se ha desplomado', 'se desplom*', 'desplom*', 
    'hipoglucemia', 'bajon de azucar', 'bajada de azucar', 'low blood sugar', 'baixada de sucre', 'coma diabetico', 'diabetic coma', 'ya no sabe ni donde esta', 'no sabe ni donde esta', 'sense coneixement', 'sense sentit', 'monoxido', 'monoxido de carbono', 'carbon monoxide', 'monoxid de carboni', 'se agarra el brazo izquierdo', 'se agarro el brazo izquierdo', 'dolor en el brazo izquierdo', 'brazo izquierdo dormido', 'left arm is numb', 'left arm numb', 'pain in his left arm', 'pain in her left arm', 'grabbed his left arm', 'grabbed her left arm', 's agafa el brac esquerre', 'mal al brac esquerre'],
    unresponsive: [
      'tirao en', 'face down', 'boca abajo', 'slumped', 'tumbado en el suelo', 'tumbada en el suelo', 'estesa a terra', 'estes a terra', 'estesa al terra', 'lying in the road', 'lying on the road', 
      'no se mueve', 'not moving', 'no es mou', 'no puede levantarse', 'no se levanta', 'no s aixeca', 'isn t getting up', 'not getting up', 'can t get up', 'no la podemos despertar', 'no lo podemos despertar', 'no el podem despertar', 'no la podem despertar', 'can t wake',
      'aren t moving', 'aren t responding', 'no reacciona', 'no reacciona a nada', 'not reacting', 'no respon', 'isn t responding', 'not responding', 'no contesta', 'no abre los ojos',
      'went pale', 'gone pale', 'se ha puesto blanco', 'se ha puesto blanca', 'se puso blanco', 'se puso blanca', 'responding to us', 'responding to me', 'no reacciona cuando', 'foaming at the mouth', 'espuma por la boca', 'espuma en la boca', 'escuma per la boca', 'se puso palido', 'se puso palida', 'se ha puesto palido', 'se ha puesto palida', 's ha posat pallid', 's ha posat pallida', 's ha posat palid'],
    person: ['tieta', 'tita', 'tiet', 'vell', 'vella', 'criatura', 'criatures', 'cria', 'abuelito', 'abuelita', 'viejo', 'vieja', 'rider', 'gentleman', 'bloke', 'coworker', 'co worker', 'embarazada', 'pregnant woman', 'embarassada', 'senyor gran', 'senyora gran', 'nena', 'baby', 'bebe', 'nadó', 'flaco', 'flaca', 'chabon', 'conductor', 'driver', 'rider', 'familia', 'family'],
    cable: ['electricity pole', 'power pole', 'utility pole', 'electric pole', 'telegraph pole', 'pal electric', 'pal de la llum', 'cables de la llum', 'poste de la luz', 'cable de alta', 'cables de alta', 'cablerio'],
    cableLive: ['cables electricos', 'cables de la luz', 'cables de luz', 'cables de la llum', 'cables de llum', 'cables pelados', 'cable pelat', 'cables pelats', 'exposed wire', 'exposed wires', 'bare wire', 'bare wires', 'live wires', 'electricity cable', 'cable de alta', 'cables de alta'],
    hanging: ['colgando', 'cuelga', 'cuelgan', 'penjant', 'penja', 'penjen', 'hanging', 'dangling', 'hanging low', 'suelto', 'sueltos', 'loose', 'solt', 'solts'],
    fallen: ['fell over', 'toppled', 'knocked over', 'blown down', 'came down on', 'ha caigut damunt', 'tumbado', 'tirado en'],
    sparks: ['chispea', 'chispeando', 'chisporrotea', 'saltan chispas', 'tirando chispas', 'soltando chispas', 'spark', 'sparky', 'sparks flying', 'fa guspires', 'treu guspires', 'fan espurnes', 'fent espurnes', 'chispazos'],
    collapseStrong: [
      'derrumb*', 'ensorr*', 'esfondr*', 'se ha venido abajo', 'se vino abajo', 'caved in', 'cave in', 'gave way', 'has given way', 'se esta agrietando', 'se estan abriendo grietas', 's esta esquerdant', 's esquerda', 'cracks opening', 'is cracking',
      'fell in on', 'is falling apart', 'se derrumba', 'building is creaking', 'todo cruje',
    ],
    structure: ['escuela', 'colegio', 'school', 'escola', 'garaje', 'parking', 'aparcamiento', 'garage', 'garatge', 'obra', 'building site', 'tunel', 'tunnel', 'muralla', 'terraza', 'terrat', 'grada', 'gradas', 'escenario', 'escenari', 'front of the building', 'front wall'],
    collapse: ['cruje', 'crujiendo', 'cruix', 'cruixint', 'creaking', 'groaning', 'se inclina', 'se esta inclinando', 's inclina', 'is leaning', 'se ha desprendido', 'se desprend*', 'ha cedido', 'cedio', 'ha cedit', 'falling onto', 'caved', 'falling onto', 'is falling onto', 'came off', 'come off', 'se hunde', 'se esta hundiendo', 's enfonsa', 's ha enfonsat', 's esta enfonsant', 'fallen in', 'fallen off', 'se esta cayendo', 's esta ensorrant', 'se ha partido', 'se partio', 'partido en dos', 'snapped', 'snapped in two', 's ha partit', 'partit en dos'],
    violence: [
      'dando de hostias', 'a hostias', 'hostiando', 'a trompadas', 'trompadas', 'a las pinas', 'cagando a pinas', 'cagando a trompadas', 'a palos', 'apalizando', 'apaleando', 'apallis*', 'dando una paliza', 'acuchill*', 'apunal*', 'apunyal*', 'disparos', 'disparo',
      'disparan', 'disparando', 'dispararon', 'balazo', 'trets', 'reyerta', 'batalla campal', 'mass brawl', 'massive brawl', 'baralla multitudinaria', 'pelea multitudinaria', 'me va a matar', 'nos va a matar', 'me matara', 'em matara', 'em matarà',
      'gonna kill me', 'me esta amenazando', 'm esta amenacant', 'threatening me', 'quiere entrar a la fuerza', 'pegando a una', 'pegando a un',
      'la esta ahogando', 'la estan agrediendo', 'he ll kill me', 'she ll kill me', 'gonna kill me', 'gunshot', 'gun shots', 'shot someone', 'someone shot', 'been shot', 'being beaten', 'getting beaten', 'beaten up', 'getting stabbed', 'being stabbed', 'stabbed',
      'botellazo', 'glassed', 'glassing', 'cop amb una ampolla', 'cortado las venas', 'cut her wrists', 'cut his wrists', 'slit her wrists', 'slit his wrists', 'tallat les venes'],
    hitting: ['apalizando a', 'apaleando a', 'apallissant', 'dando patadas a', 'donant puntades', 'strangling', 'choking her', 'choking him', 'escanyant', 'hostiando a', 'puntades de peu a', 'puntades a', 'patadas a', 'kicking a'],
    fight: ['pelea', 'peleando', 'barallant', 'barallen', 'fighting', 'fight', 'brawl', 'amenaza', 'amenazando', 'amenaca', 'threatening'],
    weapon: ['botellas rotas', 'botella rota', 'ampolles trencades', 'broken bottles', 'broken bottle', 'barra de hierro', 'machete', 'hacha', 'destral', 'axe', 'machete'],
    breakIn: ['is still inside', 'still in the house', 'sigue dentro', 'siguen dentro', 'is still inside my house', 'still in the house', 'sigue dentro de casa', 'siguen dentro de casa', 'i m hiding', 'me he escondido', 'estoy escondida', 'estoy escondido', 'm he amagat', 'estic amagat', 'estic amagada'],
    vehicleHit: ['se llevo por delante a', 'se ha llevado por delante a', 'se lo llevo puesto', 'se la llevo puesta', 'ploughed into', 'plowed into', 'ran into', 'crashed into', 'ha chocado con', 'ha xocat amb', 'ha envestit a', 'mowed down', 'ha atropellado',  'ha arrollado', 'got hit', 'was hit', 'just hit'],
    vehicle: ['lorry', 'van', 'bus', 'scooter', 'patinete', 'patinet', 'bici', 'bicicleta', 'bike', 'motorbike', 'moto', 'car', 'coche', 'cotxe', 'camion', 'camio', 'auto'],
    current: ['la corriente la arrastra', 'la corriente lo arrastra', 'la arrastra la corriente', 'lo arrastra la corriente', 'corriente se lo lleva', 'corriente se la lleva', 'el corrent s emporta', 's emporta el corrent', 'l arrossega el corrent', 'dragged by the current', 'being dragged by the current', 'swept away', 'hasn t come back up', 'no sale del agua', 'no surt de l aigua', 'en medio del agua', 'enmig de l aigua', 'stuck in the water', 'trapped in the water', 'cut off by the water', 'el agua se lo lleva', 'el agua se la lleva', 'the water is taking'],
    trapped: ['encerrados en el ascensor', 'atrapados en el ascensor', 'tancats a l ascensor', 'stuck in the lift', 'stuck in a lift', 'trapped underneath', 'trapped inside', 'atrapats', 'gente atrapada', 'gent atrapada', 'people trapped', 'trapped in the car', 'atrapado en el coche', 'atrapada en el coche'],
    distress: [
      'se quiere matar', 'se quiere quitar la vida', 'me quiero suicidar', 'me quiero matar', 'em vull suicidar', 'em vull matar', 'kill myself', 'want to die', 'wants to jump', 'wanting to jump', 'edge of the bridge', 'borde del puente', 'vora del pont', 'se va a tirar', 'vol saltar',
      'necesitamos una ambulancia', 'necesito una ambulancia', 'necessitem una ambulancia', 'we need an ambulance', 'get an ambulance', 'llamen al 112', 'llamad al 112', 'llama al 112', 'truqueu al 112', 'call 999', 'call 911', 'call 112', 'llama a los bomberos', 'llama a una ambulancia',
      'send help', 'manden ayuda', 'envieu ajuda',
    ],
  },
  signals: [
    { kind: 'cable', all: ['cableLive', 'hanging'], window: 6 },
    { kind: 'cable', all: ['pole', 'lyingDown'], window: 6 },
    { kind: 'gas', all: ['coSource', 'coSymptom'], window: 15 },
    { kind: 'gas', all: ['gasContainer', 'leakSign'], window: 10 },
    { kind: 'injury', all: ['vehicle', 'overturned'], window: 6, none: ['binWords'] },
    { kind: 'injury', all: ['vehicle', 'headOn'], window: 8 },
    { kind: 'injury', all: ['vehicle', 'vehicleHit', 'person'], window: 9, ordered: true },
    { kind: 'violence', all: ['hitting', 'person'], window: 4, ordered: true, none: ['animal'] },
    { kind: 'trapped', all: ['fellIn', 'pit'], window: 4, ordered: true, none: ['animal'] },
    { kind: 'trapped', all: ['pit', 'cantGetOut'], window: 10 },
    { kind: 'trapped', all: ['overturned', 'cantGetOut'], window: 10 },
    { kind: 'unconscious', all: ['person', 'lyingDown'], window: 2, ordered: true, none: ['animal', 'leisure'] },
    { kind: 'collapse', all: ['collapseStrong', 'peopleUnder'], window: 12 },
    { kind: 'collapse', all: ['structure', 'collapse', 'peopleUnder'], window: 12 },
    { kind: 'collapse', all: ['bigChunks'] },
    { kind: 'collapse', all: ['structure', 'swaying'], window: 6 },
  ],
};
