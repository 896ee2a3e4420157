Only 200 metres later, we arrive at the Former Bandy, covered with young rind, from where to admit the cloak.
The Government appoints a prefect to each county to be its local representative.
In 1979, the Soviets invaded Afghanistan and the US supported rebel Muslim groups against the Soviets.
One third of his homes have been damaged or destroyed, and the city has lost half of the population.
Before the tram was introduced in Galats it worked with betrams, omnibuses and tramels, similar to those in Bucharest.
The day two, the fences at the connection site were warned.
It has a well-developed tourist industry as a popular destination among British and German tourists.
Women are more numerous after the age of 30.
In May 1915, Italy invaded Austria and lost 200 000 soldiers.
The Accession Treaty had been signed on 16 April 2003.
The failure in Vietnam and the Watergate scandal have led to a reassessment of national and cultural identity, especially by young people.
The term 'sick of Europe' illustrates quite precisely these states of fact.
Moderate Socialists then entered the government, supported by the majority of workers who thought they could put pressure to stop the war.
In the early 1960s, President Kennedy embodied the hope of a prosperous American building.
After the loss of one of the battles in the civil war, Antoniu is leaving Italy.
On 13 May, the German Corp. XIX forced through the River at three points near Sedan.
All the necessary arrangements for refuge had been made before the German invasion started.
II. / SG reported 27 aeroplanes Fw 190 ready to fly.
More than 3.5 million French people voted to introduce the empire and amend the constitution.
Nazist Germany has occupied entirely Dutch territory.
Also in the case of absconds there was a reciprocity regime in place.
The earthquake destroyed the pole, having to be reunified in the years to come.
Moreover, colonial forces fought, at least until they decided to leave the Italian camp with great determination.
There was no mistake in the large number of hunting aeroplanes deployed in missions against recognition aeroplanes.
He is thus travelling in the past and saving Ahsoka.
The Greek language remained after the decline of the Roman empire as the official language of the Bizantin Empire.
The theatre has a tradition rich in Slovenia, starting with the first theatre performance in Slovenian since 1867.
In interwar periods, only a small number of young people were incorporated.
These bellows were better than the 25 mm anti-tank parts of the French, or 37 mm of the Germans.
took part in the resistance of France, which led to a guerrilla campaign against both the Nazis and the French authorities in Vichy.
This is because, as a result of this, it is clear that the BIP allows the BIP to be met.
Constantin was a evlavious friend of the sunshine imprisoned of Anglo.
In the comprehensive movement of modernism, Kafka is often identified with two great tendencies, expresionism and overarching.
There were around 1800 Jews in Norway, already persecuted by Norwegian Nazis.
The Dutch Government once again refused such a request.
With an external debt of around USD 20 billion, the government made a further rise in meat prices on 1 July 1980.
In 1938, Hitler also attaches a part of Czechoslovakia to Austria.
Amiral Scheer and Ludendorff decided to initiate a last offensive to demonstrate the "courage" of the German fleet.
Voivodship held military, administrative and legal tasks.
Germany used Estonia's resources in their war effort; during the occupation Estonia was incorporated into the Nazi region of Ostland.
The Turks carried 70 corabies ashore, bypassing sea fortification by Constantinopoly, to attack them by soldering.
Navy was a group of vessels anchored in Constantinopoly.
The Selgimurers fully conquered Anatolia and laid the foundations for the training of the Rum Sultanate, close to Constantinopoly.
In the XIII century, the stories presented by Fecioara Maria complained about the siege of Constantinopoly by the Latin.
The most important internal event was Nika's uprising in Constantinopoly.
The central part of Constantinopoly was used for the construction of monasteries and many homes were located in the coastal area.
The operation was supposed to result in the fall of Constantinopoly.
Two years later, the Ottomans occupied Constantinopol.
Constantinopol, which is totally tried by the territory from now on, is also conquered in 1453, becoming the capital of the Turkish empire.
They cross the Balkan Peninsula reaching the Constantinopoly walls.
William Gladstone, in the decade of the eighth, also sought to ensure the survival of the Otoman Empire.
The Otoman Empire during this period was a main supporter of the United Kingdom, and the biggest enemy was the Rus Empire.
The history of the Otoman Empire extends over more than 6 centuries.
143.000 are Orthodox Christians, both from the Patriarchy of Constantinopoly and from the Russian Patrieria.
Since the 15th century, the management of Bizantini divisions has been deepening only on Constantinopoly and territory close to it.
All the subjects of the Otoman Empire have been slaughtered here.
Atanasia is again in Constantinopoly from November 1396 to March 1397, and from 1400 to 1401.
After the fall of Constantinopoly in the hands of the Ottomans in 1453, Morea was the last rash of the Bizantin Empire to resist the Turks.
