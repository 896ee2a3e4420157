Bonpos , if the inhabitants are gamblers or gods rotated right when they are rotated , then the bonpos are rotated left to the gods or cedal .
So far the subsidiaries of the altar are as follows : Ayurvedika Ayurvedika , yajurvedika bhanurvedika , Samavedika Gandharvada and atharvada establishment .
During improvements to the basic structure , it is ignoring that tourism will come forward as a major base of economy in the state .
The brothers carry a trapped chamber and various foods in the nisro , as well as food vessels with them .
Although the film and kuniz received a mixed response , the movie grossed $ 493 million .
On the last Tuesday , gulia must be distributed as transmission by offering hanuman to the volume of foods and millions of swa kilos .
In March 2009 the circus starring Britney Spears did not appear on the show .
Kami Buddha is declared a national sahitya by the Nepal Government Ministry 's 2074 Edition .
Because he runs that variable , he tells history historians that the name of that quadrant is bala quadrant .
From Central to society in Nepal , the stories of ramayana and Mahabharata became more famous .
In these days , points begin new work , worshipping clothes .
The cold is a feature of the summit winds here that is not very warm in cold and warm in cold .
Some of the freedoms of negotiation are also funded based on the name and parameters of the honeymoon .
The King who spoke irresponsiblely to the people of the land , and to the people of Nepal .
Although the relationship to Mandela 's first marriage is not so good , it is legally accepted that the second marriage was good .
The folk music of the same language can also be a different division in different places .
The goddess altarpiece was probably named the hourly goddess witch on this mountain .
Yet the revolutionaries were fighting a man 's wager in various morders of war .
After political changes , the ruling free country finally established the triangle university in 1959 .
On April 5 , against Granada , he scored 5 goals in one game for the first time in life .
Tributaries of the halloweens , living in large numbers in the area without potatoes , provide good pockets and mills in this city .
One day , he wept and saddled , communicating the feelings and irritation of his opponents .
The paintings were worked on the walls of the house and houses .
After Pasang Jung , jung and jung are returned from the deaths of pasang jung .
According to his theological blessings , greetings or objects must be initiated by any one of them .
So called the footsteps , or the footsteps .
Second , to protect local culture or language or to hold economic purposes that communities should want to form a regional government .
It is believed that this place is called nigaloghari , or perangjong , because there is sufficient nigaloghari to be found .
The younger side is called Devan , who collects leases on the occasion of the worship of the worshipers of worshipers .
At that time , Nekpa Mashal was also sworn in to raise awareness about the shadow of his own country , while preaching on the slides of various committees of the people of Peru .
In remembrance of these , the establishment of this meeting was made in 1971 .
So the historians wrote to the king that they were rough .
On this day , the children who go to school worship the matha saraswati 's dragons to ask for blessings for their readings .
# The reason for this was that doty doddeldhura 's major employment resources manifested in the major professional livestock business sequential troubles .
Furthermore , the district of the larger smaller allied municipalities is also entered .
To succeed , however , he must be dismissed .
Its earliest credits go to ranadeu , vanadeu , rajadeu and ashadeu , the fathers of the chands who stayed purple ii royal from India .
Rollins and Ambrose 's revival of July were unsuccessful in winning the Rollins World Championship .
If the building had been free delivery within three generations , it was not considered a nonprofit taxable property .
In May 2017 The Miz and his wife Mary were increased reinforcements between them after they came to ruin .
There has been evidence from research that children who breastfeed are not infected even when they feed grain after that .
In these concerts , she immediately donated the shop to the church , along with the Clinton Foundation , established by United States President Bill Clinton .
Each drop of blood is one characteristic , the same is one . Each drop of the chamber in Pulau is one .
Whatever has been done about the planet in the west , his concern has been more important due to it being the first expression of the planet .
One day , they worshipped why the cow didn 't give milk .
In this same manner , the use of three other cells is done by dialogues .
Sikkim is one of the states to have continuous rainfall of India .
This nra quickly began to be heard along the road outside the stadium and became the official nra of the putin resistance council conference and rallies for some time .
This story is a nepalese translation of the collection 's painasarogadhopakhan .
Mental sin is the cause of sin by vows and shirts .
The King established an unincorporated community that has long been passively responsible for the deaf government .
His capital seems to have grown slowly , but is consumed exceedingly in the same manner .
Ken and the undertaker had attacked him as he kept two friendly beach games for which his bullet gown became insane .
On his 80th birthday , Mandela was again married to bond .
Furthermore , he made numerous adaptations to biography even with the story codes but failed .
" Rosario " must remember any kind of past , present , or future employment .
A punishment or sagothi is married but is not married to a natar witch within seven generations .
While some scholars have presented both assumptions coordinatively , private properties are also found .
If the president permits , the bill goes off the bench from the threshold of permission .
The peak latakafli is between the south teleko lake of the goddess mudvira .
Which is the rich milk god of Gadda , which is the god of Lohakhad , which is the god of Gadda , which is the God of Gadda .
