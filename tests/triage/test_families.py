"""The families of rules added after each blind batch was read, tried in words the batch did not use.

Each round of tuning (README, triage: batches 13 to 43) added families of rules, not the batch's messages. These
messages were written for the tests, after reading the batch, in other words than the batch's: they show that a
family reaches its neighbours, and that the guards added in the same round keep everyday uses quiet.
"""

from __future__ import annotations

import pytest

from dialogs.triage import assess_text

URGENT = [
    # batch 13
    ("le rapide de 7h passe sans s'arrêter à notre gare, demain ce sera le mien", "fr"),
    ("the freight train doesn't stop here, been timing it for days", "en"),
    ("he'll drive the car into the river with him in it, he said so", "en"),
    ("tout est prêt pour jeudi, personne comprendra et c'est pas grave", "fr"),
    ("she sent a photo of a whole box of pills and now she's not answering", "en"),
    ("mon voisin me demande de venir seule chez lui, il dit que c'est notre secret", "fr"),
    ("my tutor wants me to go to his house alone and says i'm special, it's our secret", "en"),
    ("i'm going to swim out into the sea and not come back", "en"),
    # batch 14
    ("elle a laissé un mot sur la table et ne répond plus à son portable", "fr"),
    ("il a écrit: ne me cherchez pas. son vélo n'est plus là", "fr"),
    ("vous allez plus jamais m'entendre, désolé pour tout", "fr"),
    ("un homme lui envoie de l'argent et lui a donné rendez-vous samedi au parc sans nous le dire", "fr"),
    ("mon père est bourré, il tape sur la porte et dit qu'il va me tuer", "fr"),
    ("j'ai fait couler le bain et j'ai sorti toutes les boîtes de médicaments", "fr"),
    ("my brother can have my xbox after tonight, not joking", "en"),
    ("a man online keeps sending me robux and wants to meet me at the station tomorrow, said delete our chats", "en"),
    ("her ex has her pinned against the wall and says i'm next", "en"),
    ("i'm on the railway line now", "en"),
    # batch 15
    ("j'ai avalé toute la plaquette de xanax il y a 10 minutes", "fr"),
    ("il a encore frappé ma mère et il monte vers ma chambre avec sa ceinture", "fr"),
    ("j'ai confié mon chien à mon voisin et laissé mes codes à ma soeur", "fr"),
    ("ce soir je le fais pour de vrai, plus loin que d'habitude", "fr"),
    ("💊💊💊 bonne nuit pour toujours", "fr"),
    ("🔪🛁 tonight is different", "en"),
    ("my son texted 'it's not your fault' and he's not home, it's 2am", "en"),
    ("a man in his 30s she met online is picking her up tonight", "en"),
    ("i've kept the weedkiller in my locker, after the results i will finish everything", "en"),
    ("gave my sister my passwords so she can delete my accounts after", "en"),
    # batch 16
    ("la dernière fois j'ai loupé avec les cachets, cette fois j'ai ceux de mon père", "fr"),
    ("la boîte de somnifères est vide et il ne répond presque plus", "fr"),
    ("le TGV passe derrière le lycée, merci pour les séances au cas où", "fr"),
    ("un adulte lui offre des v-bucks et lui a donné rendez-vous demain au parc", "fr"),
    ("i've got the tablets lined up on my desk", "en"),
    ("he was definitely older, wants me to get in his car tomorrow or he'll send my pics to everyone", "en"),
    ("my stepdad is drunk and says he'll kill me, i'm under the bed", "en"),
    ("she posted a photo of the bridge with 'see you never'", "en"),
    ("he's holding a razor against his wrist", "en"),
    # batch 17
    ("papi est mort en mai, demain je vais le rejoindre", "fr"),
    ("les médocs sont déjà sous mon lit", "fr"),
    ("j'ai fugué de la maison, un type bizarre veut que je monte dans sa voiture", "fr"),
    ("j'ai pris un truc en soirée, mon coeur bat trop fort", "fr"),
    ("he's 27 and he's picking me up tonight, mum doesn't know", "en"),
    ("he's got a blade and says he's going to use it on me after school", "en"),
    ("i've made my peace, thank you for everything", "en"),
    ("my daughter texted 'i did it, i'm sorry' from the bathroom", "en"),
    # batch 18
    ("il sait exactement comment il va faire et il a choisi la date", "fr"),
    ("plus que deux heures, j'ai supprimé mon compte, personne va comprendre", "fr"),
    ("j'ai la lame dans la main là", "fr"),
    ("my mum's boyfriend is drunk and punching my mum, i'm hiding in the bathroom", "en"),
    ("i cut too deep and it won't stop bleeding", "en"),
    ("a man online sent her gift cards and she's meeting him tonight at the station", "en"),
    ("gave my xbox to my cousin, i won't be needing it after the weekend", "en"),
    # batch 19
    ("mon père est ivre, il a giflé ma petite soeur", "fr"),
    ("un homme de 30 ans veut que je vienne chez lui, il dit de rien dire à mes parents", "fr"),
    ("j'ai fugué, un type me propose de dormir chez lui", "fr"),
    ("on a pris des médicaments avec mon pote, il répond plus", "fr"),
    ("i'm at the viaduct, just wanted someone to know", "en"),
    ("my uncle is outside our flat now with a bat", "en"),
    ("she's barricaded herself in her room with a rope", "en"),
    ("he drank a whole bottle of vodka and his breathing is weird", "en"),
    ("my tutor wants me at his place after class, just us, and not tell anyone, he's picking me up", "en"),
    # batch 20
    ("j'ai aligné tous les comprimés sur ma table de nuit", "fr"),
    ("je suis au bord de la rivière, l'eau est glacée, je sais pas nager", "fr"),
    ("demain je monte au 5e et je saute, comme ça ils comprendront", "fr"),
    ("il m'a payé le train pour le rejoindre samedi, il dit que l'âge compte pas", "fr"),
    ("I'm on the top of the car park, level 9, it's really quiet up here", "en"),
    ("he's locked himself in the garage and the engine is running", "en"),
    ("she wrote a list of who gets her things, it's for this friday", "en"),
    ("a kid in my class says he's bringing a knife tomorrow for everyone who laughed", "en"),
    # batch 21
    ("un homme de 41 ans lui a dit que c'est leur secret, elle est partie avec lui", "fr"),
    ("il a disparu depuis ce matin, son portable est coupé, il voulait que tout s'arrête pour de bon", "fr"),
    ("il a cherché la dose mortelle de doliprane hier soir", "fr"),
    ("I've figured out how many pills it takes, tonight", "en"),
    ("he's locked himself in the garage with the car running", "en"),
    ("her dad has been drinking and says we'll never find them", "en"),
    ("she's gone missing again, phone off, it's 3am", "en"),
    ("a man in his 40s wants her to get in his car and to delete the chat", "en"),
    # batch 22
    ("ce soir je vais au viaduc, personne viendra me chercher", "fr"),
    ("j'ai les médocs dans mon sac, j'attends que tout le monde dorme", "fr"),
    ("elle s'est enfermée avec un couteau et elle répond plus", "fr"),
    ("j'entends des coups et un enfant qui crie arrête papa", "fr"),
    ("sorry 4 everything, i'll be gone by tonight", "en"),
    ("my stepdad says if i tell anyone he'll kill me", "en"),
    ("her boyfriend is 24 and wants to pick her up after school", "en"),
    # batch 23
    ("un adulte qu'elle a connu sur discord lui a donné rendez-vous samedi", "fr"),
    ("il est parti avec la carabine de son père", "fr"),
    ("il a bu une bouteille de whisky et il ne répond presque plus", "fr"),
    ("i've got the rope, just need everyone to be asleep", "en"),
    ("gave my cat to my aunt, tonight's the night", "en"),
    ("my ex turned up drunk and the kids are hiding upstairs", "en"),
    # batch 24
    ("dites à mon frère que c'est pas sa faute, je lui ai laissé ma console", "fr"),
    ("je suis à la gare, je rentrerai plus chez moi, je sais pas où je vais dormir", "fr"),
    ("il a la ceinture à la main, après ma soeur ce sera mon tour", "fr"),
    ("combien de paracétamol il faut, c'est pas pour la douleur", "fr"),
    ("elle a avalé un truc et elle a vomi deux fois", "fr"),
    ("mon mari a encore bu et il dit qu'il va nous faire payer", "fr"),
    ("she's meeting a 29 year old tonight, he's picking her up", "en"),
    ("put a letter under my pillow, someone will find it in the morning", "en"),
    ("when he gets home im dead, i'm locked in the bathroom and he's drunk", "en"),
    ("a boy showed me a blade and said it's for me tomorrow", "en"),
    ("the car park roof is high enough, finding out tonight", "en"),
    # batch 25
    ("ce soir je saute du 8e, j'en peux plus", "fr"),
    ("c'est fini, j'ai les médocs à côté de moi", "fr"),
    ("elle s'est enfermée dans sa chambre et ça sent le gaz", "fr"),
    ("mon père est saoul, il cogne contre ma porte", "fr"),
    ("on part au bled demain, ils veulent me marier de force", "fr"),
    ("rendez-vous ce soir avec un copain de 32 ans qu'elle a connu sur roblox", "fr"),
    ("how long until you bleed out, need to know tonight", "en"),
    ("my son swallowed a dishwasher tablet", "en"),
    ("dad's back home in 5 minutes and he said he'll teach me a lesson, last time i had stitches", "en"),
    ("she ran out with no shoes towards the railway and we lost her", "en"),
    ("you'll all be happier without me, the plan is ready", "en"),
    ("a 27 year old booked a room for us and sent me a bus ticket", "en"),
    ("going to end it all on the bridge", "en"),
    # batch 26
    ("tout est prévu pour lundi, c'est la dernière fois que vous me posez la question", "fr"),
    ("j'ai pris toute la boîte de ma soeur, j'ai la tête qui tourne", "fr"),
    ("mon oncle est venu dans ma chambre cette nuit, je veux pas rester seule avec lui", "fr"),
    ("son père l'a emmenée de force alors qu'il a une interdiction de l'approcher", "fr"),
    ("ce soir je fais le grand saut depuis le 9e", "fr"),
    ("il rentre ce soir et il va me faire la peau, il m'a déjà cassé le poignet", "fr"),
    ("i'm sitting on the railway line", "en"),
    ("my cousin says we'll play his games again when he comes to my room tonight", "en"),
    ("they said they'll finish the job tomorrow and one has a knife", "en"),
    ("my stepdad has mum pinned to the floor", "en"),
    ("we're going to live with him, he paid the train, don't try to find us", "en"),
    ("she hasn't eaten for a week and she passed out this morning", "en"),
    # batch 27
    ("vous n'entendrez plus parler de moi, j'ai donné ma console à mon frère", "fr"),
    ("ma copine m'a écrit dis à mon père que je l'aime, et elle répond plus", "fr"),
    ("il marche sur la voie ferrée et il veut pas bouger", "fr"),
    ("il est parti de la maison à minuit, il a dit qu'on le reverra jamais", "fr"),
    ("mon père est en train de taper ma mère, je me suis cachée sous le lit", "fr"),
    ("ma fille a rien mangé depuis deux jours et elle s'est évanouie", "fr"),
    ("he has a knife in his backpack for school tomorrow", "en"),
    ("she took a whole packet and now she feels dizzy", "en"),
    ("the boys at the party won't let me leave the room", "en"),
    ("he climbed out of the window and the note says don't look for me", "en"),
    ("a rifle on his bed and the caption says last day", "en"),
    ("he's on top of the block of flats and says he will jump", "en"),
    ("my stepdad is trying to break into my room", "en"),
    # batch 28
    ("un mec a versé un truc dans mon verre à la soirée, je vois tout flou", "fr"),
    ("mon pote est par terre à la teuf, il convulse", "fr"),
    ("je suis à la gare, plus de batterie, un type me suit depuis le métro", "fr"),
    ("le père des enfants que je garde est bourré et refuse de me laisser partir", "fr"),
    ("les grands veulent que je cache un colis chez moi, sinon ils brûlent la voiture de mon père", "fr"),
    ("l'animateur a dit qu'il reviendrait dans notre dortoir quand les autres dormiront", "fr"),
    ("ma fille de 13 ans s'est enfuie du mariage, il fait nuit et elle répond plus", "fr"),
    ("i think my drink was spiked, everything is spinning", "en"),
    ("we're doing the pass out challenge at the sleepover tonight", "en"),
    ("my friend is seizing on the floor and nobody will call an ambulance", "en"),
    ("a man in a van is circling and telling me to get in, my phone is dead", "en"),
    ("my mate dived in the river after drinking and went under", "en"),
    ("the coach told me to meet him behind the gym and not tell anyone", "en"),
    ("he took his belt off and he's coming up the stairs", "en"),
    # batch 29
    ("les grands m'ont donné un colis à livrer ce soir, si je parle ils s'en prennent à ma mère", "fr"),
    ("je fais le guet pour les grands du quartier tous les soirs", "fr"),
    ("mon frère a dit que je rentrerai pas vivante ce soir", "fr"),
    ("plan samedi, le toit de la gare, il n'y a pas de grillage", "fr"),
    ("un homme m'a proposé de dormir chez lui contre un service, je dors dehors depuis deux jours", "fr"),
    ("mon père veut laver l'honneur, il est parti la chercher au collège", "fr"),
    ("ce soir ils m'emmènent chez un marabout qui va me frapper pour chasser le démon", "fr"),
    ("i've counted the pills, there are 40", "en"),
    ("my dad found out i'm bi and said he'll kill me, i'm locked in my room", "en"),
    ("the olders said they'll stab my sister if i don't go country tonight", "en"),
    ("they have my passport and say i owe them money", "en"),
    ("he's climbed onto the roof of the shopping centre and won't come down", "en"),
    ("they're flying me back home next week to get married", "en"),
    # batch 30
    ("il a pris un couteau dans son sac pour régler ça lui-même avec ceux qui le harcèlent", "fr"),
    ("j'ai envie de foncer dans un platane avec la voiture ce soir", "fr"),
    ("je suis sur le quai, le TGV passe dans deux minutes", "fr"),
    ("son père ne l'a pas ramenée, il dit que je la reverrai jamais", "fr"),
    ("ils ont dit qu'ils me mettraient la tête dans les toilettes, ils m'attendent à la sortie", "fr"),
    ("il a joué au jeu du foulard, il est tout pâle et il a vomi", "fr"),
    ("he's making me undress on a video call and says he'll post the pics if i stop", "en"),
    ("her stepdad pushed her down the stairs and won't let us go", "en"),
    ("they found a kill list and a screwdriver in his locker", "en"),
    ("she swallowed the whole cabinet and says it's too late now", "en"),
    ("the bully's dad says he'll sort my son out, he knows where we live", "en"),
    ("they said they'd burn our house down tonight", "en"),
    # batch 31
    ("on a fait un pacte sur discord, on le fait tous ce soir à minuit", "fr"),
    ("j'ai programmé une story pour demain avec ma lettre, ils verront", "fr"),
    ("il me demande d'enlever mon pull devant la cam sinon il balance tout", "fr"),
    ("un inconnu au téléphone lui demande d'ouvrir la porte, il dit qu'il est en bas", "fr"),
    ("je suis dans la voiture d'un gars de 22 ans, il m'a fait couper ma localisation", "fr"),
    ("we made a pact, doing it tonight, he sent me his address just in case", "en"),
    ("a man she met on fortnite has her in a hotel room and locked the door", "en"),
    ("someone from the lobby sent a pic of me at the bus stop, tonight you're dead", "en"),
    ("he says he's going to shoot up the school tomorrow", "en"),
    ("the challenge account says the last level is to jump from the bridge", "en"),
    ("day 8 of a water fast and my heart is racing", "en"),
    # batch 32
    ("je suis partie de la maison, je sais pas où dormir", "fr"),
    ("il a une interdiction d'approcher et il tape sur la porte", "fr"),
    ("ils m'ont suivie jusqu'à chez moi, ils sont devant la porte", "fr"),
    ("il a des traces rouges au cou et j'ai trouvé une corde", "fr"),
    ("je rentrerai pas ni jamais, je marche vers la nationale", "fr"),
    ("they're at the door shouting they'll stab me and my parents are out", "en"),
    ("i've got the razor in my hand right now", "en"),
    ("she keeps saying she doesn't want to be here and now she's not answering", "en"),
    # batch 33
    ("demain je ramène le truc que mon père garde dans son coffre, ils vont tous voir", "fr"),
    ("je suis sur les rochers, la marée monte et je bouge pas", "fr"),
    ("je suis dans le bain avec le lisseur branché à côté", "fr"),
    ("il est parti avec le fusil en disant qu'il allait revenir s'occuper de nous", "fr"),
    ("he's 29 but he says age is just a number and we're meeting tonight", "en"),
    ("got the plastic bag ready, nobody will check on me until morning", "en"),
    ("standing at the edge of the roof, weirdly calm", "en"),
    ("mum left us alone three days ago and there's nothing to eat", "en"),
    ("the note says don't look for me, i'm going to join grandma", "en"),
    # batch 34
    ("je suis partie de chez moi, je sais pas où aller", "fr"),
    ("je suis chez un adulte de snap, il veut pas que je parte", "fr"),
    ("une bande est devant chez moi et tape sur la porte", "fr"),
    ("i'm at a guy's house i met on discord and he won't let me leave", "en"),
    ("they're throwing bricks at our window", "en"),
    ("i've been throwing up blood since i drank the bottle", "en"),
    ("took a lot of stuff, might not wake up", "en"),
    # batch 35
    ("j'ai compté les comprimés, ce soir c'est la bonne", "fr"),
    ("elle est assise au bord du balcon, les jambes dehors", "fr"),
    ("il a pris le pistolet de son père pour faire peur à ceux qui le harcèlent", "fr"),
    ("il veut que je vienne chez lui sinon il publie les photos", "fr"),
    ("he's locked himself in the garage and the car engine is running", "en"),
    ("she's cutting in the bathroom and won't let me in", "en"),
    ("a man picked him up after school and won't let him leave", "en"),
    ("her dad threw her against the wall and he's still here", "en"),
    # batches 36 and 37
    ("il s'est enfermé avec le fusil de son père et il répond plus", "fr"),
    ("demain je me mets sous le train de 8h", "fr"),
    ("elle m'a écrit je vous aime, ne soyez pas tristes, et depuis elle répond plus", "fr"),
    ("il a 24 ans et il m'envoie un taxi pour venir chez lui ce soir", "fr"),
    ("j'ai mis des pierres dans mes poches, je suis au bord de la rivière", "fr"),
    ("elle a donné toutes ses affaires et elle est étrangement calme", "fr"),
    ("she texted come get me from the toilets and now she's not answering", "en"),
    ("a boy posted his dad's rifle, the ones who laughed will see", "en"),
    ("she's locked in her room and says she's taken something", "en"),
    ("he texted us goodbye and his phone is off", "en"),
    # batches 38 and 39
    ("je suis dans le hangar avec une corde, je sais pas pourquoi je vous écris", "fr"),
    ("elle s'est enfuie, elle marche sur la route de nuit et il n'y a plus de bus", "fr"),
    ("les lettres sont sous mon oreiller, ce soir je le fais", "fr"),
    ("je suis sur le quai, la prochaine rame c'est la bonne", "fr"),
    ("my son is on top of the silo and won't come down", "en"),
    ("dad's shotgun is in the cupboard and tonight i'll use it on myself", "en"),
    ("they said they'll shank me tomorrow, they know where i live", "en"),
    ("got thrown out at midnight and it's freezing", "en"),
    ("she texted love you forever mum and now she's not answering", "en"),
    # batch 41 (very short messages)
    ("j'ai le cutter dans la main", "fr"),
    ("je pars de chez moi ce soir, je sais pas où dormir", "fr"),
    ("ça saigne trop, j'arrive pas à l'arrêter", "fr"),
    ("un homme me suit depuis la gare", "fr"),
    ("he's at our door with a knife", "en"),
    ("i've got the noose", "en"),
    ("the pills are next to me", "en"),
    ("taking all my tablets tonight", "en"),
    ("dad's kicking the bathroom door, i'm locked in", "en"),
    ("she's sitting on the window ledge and won't come back in", "en"),
    # batch 40 (outside France)
    ("le gars de snap y a 30 ans pis y m attend à la station à 20h", "fr"),
    ("un homme l'a fait monter dans un taxi et elle n'est pas rentrée", "fr"),
    ("ils vont me finir ce soir, ils ont des machettes", "fr"),
    ("il a pris l'auto et il dit qu'il va se crasher dans un pilier", "fr"),
    ("my stepdad says when mum's on nightshift i'm getting it, last time he broke my arm", "en"),
    ("a boy is showing a blade and says he's doing him in after school", "en"),
    ("they're holding him in their car and driving him somewhere", "en"),
    # batch 42 (a winter term in a medium-sized town)
    ("c'est décidé pour cette nuit, ce sera mieux pour tout le monde sans moi", "fr"),
    ("j'ai laissé une lettre à chacun, c'est la dernière fois que je vous écris", "fr"),
    ("la dernière fois ça a pas marché, maintenant je sais comment faire", "fr"),
    ("il a fermé la porte à clé et il m'a dit que si je parle il me tue", "fr"),
    ("mon frère a les mains autour du cou de ma mère", "fr"),
    ("il me demande de venir seule chez lui ce soir sinon il publie les photos", "fr"),
    ("elle est montée dans la voiture de types inconnus et elle ne répond plus", "fr"),
    ("je suis partie, je veux pas qu'on me retrouve", "fr"),
    ("everyone's asleep, i've got the cord now", "en"),
    ("she'll find me in the morning, it's better", "en"),
    ("my stepdad threw a glass at mum and he's still shouting", "en"),
    ("dad is drunk and has my sister by the hair", "en"),
    ("he left the party at 2am, his last text said he's done with everything, he's still not home", "en"),
    ("not going home tonight, i am in the park and it's freezing", "en"),
    ("they dragged me to the river and held my head under", "en"),
    ("meeting the man from roblox today after school, he's buying me robux", "en"),
    # batch 43 (replies inside a conversation)
    ("elle a envoyé à son amie qu'elle ne reviendrait jamais, aucune nouvelle depuis ce matin", "fr"),
    ("il est passé par la fenêtre cette nuit et il dit qu'il va recommencer", "fr"),
    ("le foulard est déjà noué, je voulais juste que quelqu'un le sache", "fr"),
    ("j'ai vidé la boîte à pharmacie de mes parents", "fr"),
    ("ça saigne toujours et j'ai la tête qui tourne", "fr"),
    ("mon frère s'est enfermé dans la salle de bain, il dit qu'il a tout avalé", "fr"),
    ("il m'a envoyé une photo d'une corde et il ne lit plus mes messages", "fr"),
    ("washed a strip of tablets down with vodka", "en"),
    ("hiding in the changing rooms, they said round two after school", "en"),
    ("a man is outside our house banging on the door", "en"),
    ("my mate sent me a photo of his legs all sliced up", "en"),
    ("on the top floor of the car park, i think i am finished", "en"),
    ("my son never came home from football and it's gone 11pm", "en"),
    ("she keeps saying she wants to be with her dad who died", "en"),
    ("the notes are under my pillow, doing it tonight", "en"),
    ("standing by the tracks, the next train comes at 8", "en"),
    ("half a pack of my gran's pills, did it ten minutes ago", "en"),
    ("my brother took dad's rifle from the cabinet", "en"),
    ("third night now, she's at the address of a man we don't know", "en"),
    ("he has taken the car and he has no licence, it's 2am", "en"),
]

READ_SOON = [  # high or urgent: a psychologist reads it soon
    # batch 13
    ("jvois plus aucun avenir pour moi", "fr"),
    ("j'espère qu'un bus va me renverser demain", "fr"),
    ("idk if i'll even be around next year, don't think i'll still be here", "en"),
    ("they said they'll smash my face in after school", "en"),
    ("il m'a dit qu'il allait me casser les dents", "fr"),
    # batch 21
    ("ma fille se fait vomir après les repas", "fr"),
    ("found small round burns on his arm, he says it's from cooking but he never cooks", "en"),
    ("I tried last year with tablets and now I'm back in a dark place", "en"),
    # batch 23
    ("elle a perdu 6 kilos et cache la nourriture", "fr"),
    ("drinking vodka before school, it's the only way to get through the day", "en"),
    # batch 24
    ("elle mange plus rien depuis trois jours, elle veut perdre encore des kilos", "fr"),
    ("il fume des joints tous les soirs depuis la rentrée", "fr"),
    ("how many tylenol would kill someone, asking for real", "en"),
    ("she hides food in her sleeves at dinner", "en"),
    # batch 25
    ("quand la voiture a pris feu j'aurais voulu être dedans", "fr"),
    ("il connaît mon adresse et dit que si je parle il vient", "fr"),
    ("i drink every night now, i need it to sleep", "en"),
    ("been googling how people do it, just curious", "en"),
    ("my old swim coach touched me in the changing rooms", "en"),
    # batch 26
    ("il rentre défoncé tous les soirs et j'ai trouvé des sachets de poudre", "fr"),
    ("rien ne va changer, ça ira jamais mieux", "fr"),
    ("when my stepdad drinks he gets violent with us", "en"),
    ("an older guy online sends me gift cards and wants our chats kept secret", "en"),
    # batch 27
    ("j'ai trouvé des bouteilles de vodka vides cachées sous son lit", "fr"),
    ("un adulte de snap m'envoie des cadeaux et dit que c'est notre secret", "fr"),
    ("i bite my hand till it bleeds", "en"),
    # batch 28
    ("il rentre bourré tous les week-ends, il a 14 ans", "fr"),
    ("sometimes i think it would be ok if the train crashed and i didn't have to deal with anyone", "en"),
    ("i skip lunch every day and if i eat i feel fat", "en"),
    # batch 29
    ("je m'arrache les sourcils quand je stresse, il y a des trous maintenant", "fr"),
    ("sometimes i think it should have been me in that car, not him", "en"),
    ("i just want to take up less space, i only eat one meal a day", "en"),
    # batch 30
    ("je me suis recoupée hier soir, ça faisait deux mois", "fr"),
    ("the sharpener thing again last night, only my arm this time", "en"),
    ("an older boy gives him pills, he says they make him numb", "en"),
    # batch 31
    ("elle est dans un groupe où les filles montrent leurs scarifications en photo", "fr"),
    ("il a fait un montage où je suis nue et il le montre à toute la classe", "fr"),
    ("a man in his 40s on her roblox server sends her robux and wants it kept private", "en"),
    ("my old coach made me send him pics when i was 13", "en"),
    # batch 32
    ("une pomme par jour et je cours pour éliminer", "fr"),
    ("i take my dad's tramadol to get through the school day", "en"),
    # batch 33
    ("il a des photos de moi sans haut et me fait du chantage", "fr"),
    ("je bois la vodka de ma mère tous les soirs", "fr"),
    ("a man from my minecraft server asks for pics and says he loves me", "en"),
    ("her stepdad grabbed her by the throat last night", "en"),
    # batch 34
    ("je bois pour oublier le collège, jusqu'à plus rien sentir", "fr"),
    ("elle s'enferme dans les toilettes après chaque repas", "fr"),
    ("an older guy keeps asking me to add him on snap", "en"),
    ("i found he's been looking up ways to die", "en"),
    # batch 35
    ("she weighs herself ten times a day", "en"),
    ("he says nothing will ever change for him", "en"),
    # batches 36 and 37
    ("je suis tannée de vivre", "fr"),
    ("ce serait plus simple pour tout le monde si j'étais pas là", "fr"),
    ("i keep scratching my wrists with a compass", "en"),
    ("my uncle did something when i was 8, i never told, is it too late", "en"),
    # batches 38 and 39
    ("il revient avec des bleus de chez son père et il a peur d'y retourner", "fr"),
    ("the older boys make me keep watch for them", "en"),
    ("there's blood on her pillow and plasters in the bin", "en"),
    # batch 41
    ("a boy threatened to post pictures of her", "en"),
    ("been drinking every weekend to forget", "en"),
    # batch 40
    ("je me cogne la tête contre le mur quand je suis seul", "fr"),
    ("ça fait des semaines que je pense juste à mourir", "fr"),
    ("found vodka in his backpack, he's 13", "en"),
    # batch 42
    ("il a une liste de noms d'élèves et il a écrit : ils vont payer", "fr"),
    ("elle a perdu 5 kilos et file aux toilettes après chaque repas", "fr"),
    ("des brûlures de cigarette sur son bras, et j'ai trouvé un briquet caché", "fr"),
    ("dès qu'il voit mes notes, mon père prend sa ceinture", "fr"),
    ("quelqu'un a fait des fausses photos nues d'elle", "fr"),
    ("ils ont dit on va te choper, et ils ont mis mon adresse", "fr"),
    ("j'ai tapé sur google combien de cachets il faudrait", "fr"),
    ("he has a list of kids' names and wrote they're going to pay", "en"),
    ("a man keeps buying her gift cards and told her to keep it secret", "en"),
    ("my son keeps coming home with bruises and says he lost his phone", "en"),
    ("they made fake nude pictures of her and sent them round", "en"),
    ("my cousin forces me to deliver stuff or they'll hurt my nan", "en"),
    ("i'm just a weight around my dad's neck", "en"),
    ("been cutting on my hips so my parents don't see", "en"),
    ("they said they will finish him after half term", "en"),
    # batch 43
    ("mon mari a giflé notre fille hier soir", "fr"),
    ("on a trouvé des sachets et une liasse de billets dans son cartable", "fr"),
    ("je mange plus, je veux que mes os soient visibles", "fr"),
    ("il manque des cachets dans la boîte, mon fils en prend le soir pour ne plus penser", "fr"),
    ("j'ai refait avec le cutter sur la cuisse", "fr"),
    ("le gars du jeu me demande encore des photos en sous-vêtements", "fr"),
    ("been stealing mum's diazepam so i can get through the school day", "en"),
    ("last year i tried to go over the edge of the multistorey", "en"),
    ("he wrote that he won't be around much longer anyway", "en"),
]

NOT_DANGER = [  # none or watch
    # batch 13
    ("je vais pas faire de connerie, je suis juste fatigué de tout", "fr"),
    ("not gonna do anything stupid, just tired of everything", "en"),
    ("the train doesn't stop at our station so we drive to the next town", "en"),
    ("going to throw myself on the sofa after this shift", "en"),
    # batch 14
    ("we did suicides in PE today, my legs are dead", "en"),
    ("we're reading macbeth, everyone dies in the end lol", "en"),
    ("had a nightmare they chased me again", "en"),
    ("ma frappe au foot c'est la meilleure de l'équipe", "fr"),
    # batch 15
    ("on a eu une overdose de chocolat à Noël mdr", "fr"),
    ("first aid training today, we practised what to do for an overdose", "en"),
    ("pas de menaces cette semaine, ils m'ont laissé tranquille", "fr"),
    # batch 16
    ("jpréfère crever que de présenter mon exposé devant la classe mdr", "fr"),
    ("no signs of self-harm, she just hates the new school", "en"),
    # batch 17
    ("i don't want to die or anything, i just wish the holidays were longer", "en"),
    ("we read Hamlet in class and argued about whether Ophelia was suicidal", "en"),
    ("je dors plus trop, je me réveille à 3h", "fr"),
    # batch 18
    ("my son asked me what suicide means after the news", "en"),
    ("I'll throw myself out the window if I have to listen to this podcast again", "en"),
    ("I don't know how much longer I can keep fighting the school about this", "en"),
    # batch 19
    ("she takes her ADHD meds every morning, could it change her mood?", "en"),
    ("my sister is so annoying i could strangle her lol", "en"),
    ("ma mère a frappé à la porte de ma chambre pour le dîner", "fr"),
    # batch 21: a foster child who hides food is worrying, not high on its own
    ("my foster son hides food in his room since he arrived", "en"),
    # batch 24
    ("au collège ils font comme si j'existais plus", "fr"),
    ("ce niveau de zelda m'a tué vingt fois, je vais craquer", "fr"),
    ("il veut disparaître de cette école, il demande à changer", "fr"),
    ("haven't been to school for two days, i had a cold", "en"),
    # batch 25
    ("la directrice dit que c'est réglé mais il a encore reçu des insultes", "fr"),
    ("je veux pas mourir, je veux que ça s'arrête à l'école", "fr"),
    ("je vais sauter à la corde avec ma soeur", "fr"),
    # batch 26
    ("i want to disappear to a new school where nobody knows me", "en"),
    ("on a joué au grand saut à la piscine", "fr"),
    # batch 27
    ("slicing bread with the big knife for dinner", "en"),
    ("we pray for the dead every november", "en"),
    # batch 28
    ("le match de rugby c'était un massacre, j'ai des bleus partout", "fr"),
    ("not like i want to die or anything, just bored this summer", "en"),
    # batch 29
    ("en cours on étudie Phèdre, elle préfère mourir que d'avouer", "fr"),
    ("j'ai enlevé mon foulard pour la photo de classe", "fr"),
    ("personne me force à venir au club, j'aime bien", "fr"),
    # batch 30
    ("i'm dead lol my dad just sent a voice note to the class group", "en"),
    ("they kicked me out of the group chat again", "en"),
    # batch 31
    ("they kicked me from the squad mid game lol", "en"),
    ("deleted everything, it's like i don't exist online now", "en"),
    ("j'en peux plus des notifications du groupe de classe", "fr"),
    # batch 32: "comment se passe le rendez-vous" was urgent (an item "comment me|se|m|s" since batch 02)
    ("bonjour, comment se passe le premier rendez-vous ?", "fr"),
    ("comment m'inscrire au groupe de parents ?", "fr"),
    # batch 33
    ("in chemistry we learned what an overdose does to the body", "en"),
    ("first aid course today, we practised what to do if someone is bleeding out", "en"),
    ("if we get one more surprise test i'm jumping out the window lol", "en"),
    ("au secourisme on a appris quoi faire si quelqu'un fait une overdose", "fr"),
    ("on a étudié une chanson de Stromae qui parle d'idées noires", "fr"),
    ("this raid boss is going down tonight, i'm going to destroy him", "en"),
    # batch 35
    ("the boys behind me keep kicking my seat on the bus", "en"),
    ("I'm exhausted, the meetings never end", "en"),
    # batches 36 and 37
    ("our cat died in the spring, we have a kitten now", "en"),
    ("my phone is dead, can you email my dad instead", "en"),
    ("I had the death scene in the school play", "en"),
    # batches 38 and 39
    ("j'ai un opinel pour le camp scout, je peux le prendre ?", "fr"),
    ("ma petite-fille fait des cauchemars et vient dans mon lit la nuit", "fr"),
    ("got kicked out of class for talking", "en"),
    ("the school says they are dealing with it", "en"),
    # batch 41
    ("ce niveau bugue, j'ai envie de jeter la manette par la fenêtre", "fr"),
    # batches 40 and 41
    ("j'aimerais disparaître une semaine en vacances, pas mourir hein", "fr"),
    ("je bois une tisane tous les soirs pour dormir", "fr"),
    # batches 42 and 43
    ("faut-il la forcer à aller à la cantine ?", "fr"),
    ("je me traîne depuis lundi, je suis crevée", "fr"),
    ("j'ai écrit une lettre à la maîtresse pour lui dire merci pour tout", "fr"),
    ("il a oublié son chargeur et il ne répond plus, il doit être à la bibliothèque", "fr"),
    ("mon fils de 12 ans dit qu'il ne reviendra plus au club de foot", "fr"),
    ("si je dis ça à ma mère je suis morte mdr", "fr"),
    ("on te retrouve à 14h devant le cinéma", "fr"),
    ("combien de doliprane il faut pour un enfant de 8 ans ?", "fr"),
    ("j'ai déjà fixé le câble de la télé, ça marche", "fr"),
    ("i'm on the top floor of the library and i think i'm finished with my essay", "en"),
    ("my revision notes are on my desk for tonight", "en"),
    ("i'm at the railway station, the next train comes at 5", "en"),
    ("she takes her tablets with a glass of water, she washes them down fine", "en"),
    ("the parcel never arrived and it's gone 10pm", "en"),
    ("we are getting battered in the match tonight", "en"),
    ("my son is not home yet, sorry for the late message", "en"),
    ("i take my adhd meds so i can get through school", "en"),
    ("my dad took his shotgun to go shooting, he will be back tomorrow", "en"),
]

ASKED = [  # team decision 7 (batch 27): watch, and the bot asks the direct question
    ("elle pleure tous les soirs depuis la rentrée", "fr"),
    ("il fait des crises d'angoisse avant le collège", "fr"),
    ("i cry every night since the group chat started", "en"),
    ("she had a panic attack at the school gate", "en"),
]


@pytest.mark.parametrize(("text", "lang"), URGENT)
def test_a_family_added_after_a_batch_is_urgent_in_new_words(text, lang):
    assert assess_text(text, lang).level == "urgent"


@pytest.mark.parametrize(("text", "lang"), READ_SOON)
def test_a_family_added_after_a_batch_is_read_soon_in_new_words(text, lang):
    assert assess_text(text, lang).level in ("high", "urgent")


@pytest.mark.parametrize(("text", "lang"), ASKED)
def test_crying_every_night_or_panic_about_school_is_watched_and_asked(text, lang):
    result = assess_text(text, lang)
    assert (result.level, result.clarify) == ("watch", True)


@pytest.mark.parametrize(("text", "lang"), NOT_DANGER)
def test_what_a_batch_showed_is_not_danger_stays_below_high(text, lang):
    assert assess_text(text, lang).level in ("none", "watch")
