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
    joke: ['jaja', 'jajaja', 'jajaj', 'jejeje', 'jeje', 'lol', 'lool', 'xd', 'lmao', 'rofl'],
    exclude: [
      'llar de foc', 'llars de foc', 'wood burner', 'log burner', 'wood stove', 'estufa de lena', 'donar sangre', 'donacion de sangre', 'donar sang', 'donate blood', 'blood donation', 'analisis de sangre',
      'analitica de sangre', 'analitica de sang', 'blood test', 'blood tests', 'manchas de sangre', 'mancha de sangre', 'restos de sangre', 'blood stains', 'blood stain', 'dried blood', 'taques de sang', 'taca de sang', 'sangre fria', 'me hierve la sangre', 'me quema la sangre', 'killing me', 'me mata', 'me matan', 'em mata',
    ],
    past: [
      'cada domingo', 'cada sabado', 'cada lunes', 'los domingos', 'los sabados', 'los fines de semana', 'todos los domingos', 'todos los fines de semana', 'cada fin de semana', 'cada diumenge', 'els diumenges', 'els caps de setmana',
      'cada cap de setmana', 'every sunday', 'every saturday', 'on sundays', 'at weekends', 'on weekends', 'every winter', 'cada invierno', 'cada hivern', 'en invierno', 'a l hivern', 'in winter', 'weeks back', 'few weeks back',
      'desde el verano', 'since the summer', 'des de l estiu',
    ],
    tamedSmoke: ['plancha', 'fritanga', 'fritura', 'frituras', 'fritos', 'fregit', 'fregits', 'frying', 'fried', 'chip fat', 'parrilla', 'asador', 'grill', 'cooking smoke', 'chimenea de lena', 'chimeneas de lena', 'lena', 'llenya', 'garden waste', 'restos de poda'],
    tamedFire: ['sopa', 'tostada', 'tostadas', 'arroz', 'toast', 'torrades', 'restos de poda', 'garden waste', 'rastrojo'],
    fire: [
      'prend* fuego', 'agarr* fuego', 'incendi*', 'llamarada', 'llamaradas', 'cal* foc', 'pren* foc', 'agaf* foc', 'ha pres foc', 'cremant', 'crema el', 'crema la', 'crema l', 'cremen', 'esta cremant se', 'set alight', 'set on fire', 'went up in flames',
      'going up in flames', 'inferno', 'burning down', 'flames coming', 'flames everywhere', 'fuego por todos lados', 'las llamas llegan', 'les flames arriben',
    ],
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
    ],
    injury: ['sangre', 'sang', 'blood', 'hurt', 'hurting', 'malherido', 'malherida', 'lastimado', 'lastimada', 'fet mal'],
    unconscious: [
      'desvaneci*', 'sin sentido', 'perdido el sentido', 'perdio el sentido', 'no da senales de vida', 'no da senyals de vida', 'sin pulso', 'no tiene pulso', 'no le encuentro el pulso', 'no pulse', 'no heartbeat', 'sense pols', 'respira mal', 'le cuesta respirar',
      'respira con dificultad', 'casi no respira', 'apenas respira', 'gairebe no respira', 'aren t breathing', 'barely breathing', 'hardly breathing', 'struggling to breathe', 'can barely breathe', 'no pot respirar be', 'cara azul', 'labios azules', 'se esta poniendo azul', 'blue in the face',
      'lips look blue', 'lips are blue', 'convuls*', 'ataque epileptico', 'crisis epileptica', 'epileptic fit', 'dolor en el pecho', 'dolor de pecho', 'le duele el pecho', 'duele mucho el pecho', 'se agarra el pecho', 'chest pain', 'chest pains', 'pain in his chest',
      'pain in her chest', 'mal al pit', 'dolor al pit', 'fa molt mal el pit', 'ataque de asma', 'crisis de asma', 'asthma attack', 'atac d asma', 'reaccion alergica', 'anafila*', 'allergic reaction', 'se le hincha la garganta', 'throat is swelling', 'throat swelling',
      'no vuelve en si', 'no torna en si', 'won t come round', 'wont come round', 'not coming round', 'hasn t come round', 'habla raro', 'no habla bien', 'no parla be', 'arrastra las palabras', 'speech is slurred', 'speech is weird', 'slurring', 'boca torcida',
      'se ahoga', 'se esta ahogando', 'ahogandose', 's ofega', 'choking', 'sudando frio', 'sudor frio', 'suant fred', 'cold sweat', 'se ha desplomado', 'se desplom*', 'desplom*', 
    ],
    unresponsive: [
      'tirao en', 'face down', 'boca abajo', 'slumped', 'tumbado en el suelo', 'tumbada en el suelo', 'estesa a terra', 'estes a terra', 'estesa al terra', 'lying in the road', 'lying on the road', 
      'no se mueve', 'not moving', 'no es mou', 'no puede levantarse', 'no se levanta', 'no s aixeca', 'isn t getting up', 'not getting up', 'can t get up', 'no la podemos despertar', 'no lo podemos despertar', 'no el podem despertar', 'no la podem despertar', 'can t wake',
      'aren t moving', 'aren t responding', 'no reacciona', 'no reacciona a nada', 'not reacting', 'no respon', 'isn t responding', 'not responding', 'no contesta', 'no abre los ojos',
    ],
    person: ['tieta', 'tita', 'tiet', 'vell', 'vella', 'criatura', 'criatures', 'cria', 'abuelito', 'abuelita', 'viejo', 'vieja', 'rider', 'gentleman', 'bloke', 'coworker', 'co worker', 'embarazada', 'pregnant woman', 'embarassada', 'senyor gran', 'senyora gran', 'nena', 'baby', 'bebe', 'nadó'],
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
    collapse: ['cruje', 'crujiendo', 'cruix', 'cruixint', 'creaking', 'groaning', 'se inclina', 'se esta inclinando', 's inclina', 'is leaning', 'se ha desprendido', 'se desprend*', 'ha cedido', 'cedio', 'ha cedit', 'falling onto', 'caved', 'falling onto', 'is falling onto', 'came off', 'come off', 'se hunde', 'se esta hundiendo', 's enfonsa', 's ha enfonsat', 's esta enfonsant', 'fallen in', 'fallen off', 'se esta cayendo', 's esta ensorrant'],
    violence: [
      'dando de hostias', 'a hostias', 'hostiando', 'a trompadas', 'trompadas', 'a las pinas', 'cagando a pinas', 'cagando a trompadas', 'a palos', 'apalizando', 'apaleando', 'apallis*', 'dando una paliza', 'acuchill*', 'apunal*', 'apunyal*', 'disparos', 'disparo',
      'disparan', 'disparando', 'dispararon', 'balazo', 'trets', 'reyerta', 'batalla campal', 'mass brawl', 'massive brawl', 'baralla multitudinaria', 'pelea multitudinaria', 'me va a matar', 'nos va a matar', 'me matara', 'em matara', 'em matarà',
      'gonna kill me', 'me esta amenazando', 'm esta amenacant', 'threatening me', 'quiere entrar a la fuerza', 'pegando a una', 'pegando a un',
      'la esta ahogando', 'la estan agrediendo', 'he ll kill me', 'she ll kill me', 'gonna kill me', 'gunshot', 'gun shots', 'shot someone', 'someone shot', 'been shot', 'being beaten', 'getting beaten', 'beaten up', 'getting stabbed', 'being stabbed', 'stabbed',
    ],
    hitting: ['apalizando a', 'apaleando a', 'apallissant', 'dando patadas a', 'donant puntades', 'strangling', 'choking her', 'choking him', 'escanyant', 'hostiando a'],
    fight: ['pelea', 'peleando', 'barallant', 'barallen', 'fighting', 'fight', 'brawl', 'amenaza', 'amenazando', 'amenaca', 'threatening'],
    weapon: ['botellas rotas', 'botella rota', 'ampolles trencades', 'broken bottles', 'broken bottle', 'barra de hierro', 'machete', 'hacha', 'destral', 'axe', 'machete'],
    breakIn: ['is still inside', 'still in the house', 'sigue dentro', 'siguen dentro', 'is still inside my house', 'still in the house', 'sigue dentro de casa', 'siguen dentro de casa', 'i m hiding', 'me he escondido', 'estoy escondida', 'estoy escondido', 'm he amagat', 'estic amagat', 'estic amagada'],
    vehicleHit: ['se llevo por delante a', 'se ha llevado por delante a', 'se lo llevo puesto', 'se la llevo puesta', 'ploughed into', 'plowed into', 'ran into', 'crashed into', 'ha chocado con', 'ha xocat amb', 'ha envestit a', 'mowed down', 'ha atropellado',  'ha arrollado', 'got hit', 'was hit', 'just hit'],
    vehicle: ['lorry', 'van', 'bus', 'scooter', 'patinete', 'patinet', 'bici', 'bicicleta', 'bike', 'motorbike', 'moto', 'car', 'coche', 'cotxe', 'camion', 'camio', 'auto'],
    current: ['la corriente la arrastra', 'la corriente lo arrastra', 'la arrastra la corriente', 'lo arrastra la corriente', 'corriente se lo lleva', 'corriente se la lleva', 'el corrent s emporta', 's emporta el corrent', 'l arrossega el corrent', 'dragged by the current', 'being dragged by the current', 'swept away', 'hasn t come back up', 'no sale del agua', 'no surt de l aigua'],
    trapped: ['encerrados en el ascensor', 'atrapados en el ascensor', 'tancats a l ascensor', 'stuck in the lift', 'stuck in a lift', 'trapped underneath', 'trapped inside', 'atrapats', 'gente atrapada', 'gent atrapada', 'people trapped'],
    distress: [
      'se quiere matar', 'se quiere quitar la vida', 'me quiero suicidar', 'me quiero matar', 'em vull suicidar', 'em vull matar', 'kill myself', 'want to die', 'wants to jump', 'wanting to jump', 'edge of the bridge', 'borde del puente', 'vora del pont', 'se va a tirar', 'vol saltar',
      'necesitamos una ambulancia', 'necesito una ambulancia', 'necessitem una ambulancia', 'we need an ambulance', 'get an ambulance', 'llamen al 112', 'llamad al 112', 'llama al 112', 'truqueu al 112', 'call 999', 'call 911', 'call 112', 'llama a los bomberos', 'llama a una ambulancia',
      'send help', 'manden ayuda', 'envieu ajuda',
    ],
  },
  signals: [
    { kind: 'cable', all: ['cableLive', 'hanging'], window: 6 },
  ],
};
